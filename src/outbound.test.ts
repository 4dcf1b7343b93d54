import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import {
  blockedReason,
  canonicalHost,
  isAllowed,
  literalBlockedReason,
  parseOutboundAllow,
} from './outbound.ts';

describe('blockedReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['2130706433', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0', 'unspecified'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::127.0.0.1', 'ipv4-compatible'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::', 'loopback'],
  ])('%s is refused as %s', (address, why) => {
    expect(blockedReason(address)).toBe(why);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.0.1',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    'example.com',
  ])('%s passes', (address) => {
    expect(blockedReason(address)).toBeNull();
  });

  it('canonicalises the spellings the URL parser accepts', () => {
    expect(canonicalHost('127.1')).toBe('127.0.0.1');
    expect(canonicalHost('2130706433')).toBe('127.0.0.1');
    expect(canonicalHost('0x7f000001')).toBe('127.0.0.1');
    expect(canonicalHost('[::FFFF:127.0.0.1]')).toBe('::ffff:7f00:1');
    expect(canonicalHost('Hooks.Internal')).toBe('hooks.internal');
  });
});

describe('the allowlist', () => {
  const allow = parseOutboundAllow('10.0.0.5, hooks.internal:8080,[::1]:9000');

  it('parses hosts, ports and bracketed IPv6', () => {
    expect(allow).toEqual([
      { host: '10.0.0.5', port: null },
      { host: 'hooks.internal', port: 8080 },
      { host: '::1', port: 9000 },
    ]);
    expect(parseOutboundAllow('bad host:1')).toMatch(/not a host or host:port/);
    expect(parseOutboundAllow('h:70000')).toMatch(/not a host or host:port/);
  });

  it('admits exactly what it lists', () => {
    const list = allow as Exclude<typeof allow, string>;
    expect(isAllowed(new URL('http://10.0.0.5/x'), list)).toBe(true);
    expect(isAllowed(new URL('https://10.0.0.5:8443/x'), list)).toBe(true);
    expect(isAllowed(new URL('http://10.0.0.6/x'), list)).toBe(false);
    expect(isAllowed(new URL('http://hooks.internal:8080/x'), list)).toBe(true);
    expect(isAllowed(new URL('http://HOOKS.internal:8080/x'), list)).toBe(true);
    expect(isAllowed(new URL('http://hooks.internal/x'), list)).toBe(false);
    expect(isAllowed(new URL('http://hooks.internal:8081/x'), list)).toBe(false);
    expect(isAllowed(new URL('http://[::1]:9000/x'), list)).toBe(true);
    expect(isAllowed(new URL('http://[::1]:22/x'), list)).toBe(false);
    expect(isAllowed(new URL('http://127.0.0.1:9000/x'), list)).toBe(false);
  });

  it('is read from STEWARD_OUTBOUND_ALLOW and a bad entry names the variable', () => {
    expect(loadConfig({ STEWARD_OUTBOUND_ALLOW: '10.0.0.5,hooks.internal:8080' }).outboundAllow).toEqual([
      { host: '10.0.0.5', port: null },
      { host: 'hooks.internal', port: 8080 },
    ]);
    expect(loadConfig({}).outboundAllow).toEqual([]);
    expect(() => loadConfig({ STEWARD_OUTBOUND_ALLOW: 'a b' })).toThrow(/STEWARD_OUTBOUND_ALLOW/);
  });
});

describe('literalBlockedReason (saving a rule)', () => {
  it.each([
    ['http://127.1:5432/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://[::1]:22/', 'loopback'],
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['http://[::ffff:169.254.169.254]/', 'link-local'],
    ['https://10.1.2.3/', 'private'],
  ])('%s is refused as %s', (url, why) => {
    expect(literalBlockedReason(url, [])).toBe(why);
  });

  it('leaves names to connect time and admits listed hosts', () => {
    expect(literalBlockedReason('http://localhost/', [])).toBeNull();
    expect(literalBlockedReason('https://hooks.example.com/', [])).toBeNull();
    expect(literalBlockedReason('http://10.0.0.5/', [{ host: '10.0.0.5', port: null }])).toBeNull();
    expect(literalBlockedReason('http://10.0.0.5:81/', [{ host: '10.0.0.5', port: 80 }])).toBe('private');
  });
});
