// The outbound address guard: every URL Steward calls on a user's behalf (rule webhooks today) goes
// through postOutbound, which refuses loopback, private, link-local (cloud metadata), CGNAT,
// multicast and IPv6-local destinations unless the operator's allowlist names the host. The address
// is checked where the socket connects (a custom `lookup`), so a DNS answer that changes between a
// check and the connection (rebinding) cannot slip through, and redirects are never followed.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

/** What a delivery log records about one attempt: a category, never raw error text or timings. */
export const OUTBOUND_OUTCOMES = [
  'ok',
  'blocked_address',
  'redirect_refused',
  'timeout',
  'connection_failed',
  'http_4xx',
  'http_5xx',
  'rejected',
] as const;
/** `rejected`: HTTP 2xx, but the receiver's own answer refused the message (a group bot's error code). */
export type OutboundOutcome = (typeof OUTBOUND_OUTCOMES)[number];

/** One allowlist entry: a host (IP or name, lower case) and optionally the only port it admits. */
export type OutboundAllow = { host: string; port: number | null };

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

// [network, prefix length, why]: every IPv4 range a request from the server must not reach.
const BLOCKED_V4: [number, number, string][] = [
  [v4(0, 0, 0, 0), 8, 'unspecified'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(100, 64, 0, 0), 10, 'cgnat'],
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link-local'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'reserved'],
  [v4(192, 0, 2, 0), 24, 'documentation'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(198, 18, 0, 0), 15, 'benchmarking'],
  [v4(198, 51, 100, 0), 24, 'documentation'],
  [v4(203, 0, 113, 0), 24, 'documentation'],
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(240, 0, 0, 0), 4, 'reserved'], // includes the broadcast address 255.255.255.255
];

function parseV4(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  const [a, b, c, d] = parts.map(Number) as [number, number, number, number];
  return v4(a, b, c, d);
}

function classifyV4(n: number): string | null {
  for (const [net, bits, why] of BLOCKED_V4) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((n & mask) >>> 0 === net) return why;
  }
  return null;
}

/** The eight 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail), or null. */
function parseV6(ip: string): number[] | null {
  let s = ip.toLowerCase().replace(/%.*$/, '');
  const tail: number[] = [];
  const dotted = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const n = parseV4(dotted[2]!);
    if (n === null) return null;
    tail.push(n >>> 16, n & 0xffff);
    s = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string | undefined) => (h ? h.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const fill = 8 - tail.length - head.length - rest.length;
  if (halves.length === 1 ? fill !== 0 : fill < 0) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rest, ...tail];
  return all.length === 8 && all.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? all : null;
}

function classifyV6(g: number[]): string | null {
  const embedded = (hi: number, lo: number) => classifyV4(((hi << 16) | lo) >>> 0);
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(8)) return 'unspecified';
  if (zeroTo(7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped) reaches the IPv4 address itself; ::a.b.c.d is the deprecated
  // IPv4-compatible form; 64:ff9b::/96 is NAT64, which a local translator may route inward.
  if (zeroTo(5) && g[5] === 0xffff) return embedded(g[6]!, g[7]!) ?? null;
  if (zeroTo(6)) return 'ipv4-compatible';
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    return embedded(g[6]!, g[7]!) ?? null;
  if (g[0] === 0x2002) return embedded(g[1]!, g[2]!); // 6to4 carries an IPv4 address
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xffc0) === 0xfec0) return 'site-local';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'documentation';
  return null;
}

/**
 * The canonical form of a host as a URL would connect to it: brackets removed, lower case, and the
 * odd IPv4 spellings (`127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`) turned into dotted quads
 * by the WHATWG URL parser, the same one fetch and the URL check use.
 */
export function canonicalHost(host: string): string | null {
  try {
    const h = new URL(`http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}/`).hostname;
    return h.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return null;
  }
}

/** Why an address must not be called (`loopback`, `private`, …), or null for a public address. */
export function blockedReason(address: string): string | null {
  const host = canonicalHost(address) ?? address;
  const kind = isIP(host);
  if (kind === 4) return classifyV4(parseV4(host)!);
  if (kind === 6) {
    const g = parseV6(host);
    return g ? classifyV6(g) : 'unparseable';
  }
  return null;
}

/** Parses STEWARD_OUTBOUND_ALLOW: comma-separated `host` or `host:port` (IPv6 as `[::1]:port`). */
export function parseOutboundAllow(value: string): OutboundAllow[] | string {
  const out: OutboundAllow[] = [];
  for (const raw of value.split(',').map((s) => s.trim())) {
    if (!raw) continue;
    const m = raw.match(/^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/);
    const host = m ? canonicalHost(m[1]!) : null;
    const port = m?.[2] === undefined ? null : Number(m[2]);
    if (!host || (port !== null && (port < 1 || port > 65535)))
      return `"${raw}" is not a host or host:port such as 10.0.0.5 or hooks.internal:8080`;
    out.push({ host, port });
  }
  return out;
}

const defaultPort = (u: URL) => (u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80);

/** Does the operator's allowlist name this URL's host (and port, when the entry gives one)? */
export function isAllowed(url: URL, allow: readonly OutboundAllow[]): boolean {
  const host = canonicalHost(url.hostname);
  const port = defaultPort(url);
  return allow.some((a) => a.host === host && (a.port === null || a.port === port));
}

/**
 * For validating a URL someone saves: the reason its host, written as an address, is refused
 * (null for names, which are checked when they resolve, and for allowlisted hosts).
 */
export function literalBlockedReason(url: string, allow: readonly OutboundAllow[]): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (isAllowed(u, allow)) return null;
  const host = canonicalHost(u.hostname);
  return host && isIP(host) ? blockedReason(host) : null;
}

export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS';
}

/** A dns lookup that fails when any address the name resolves to is refused. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.find((a) => blockedReason(a.address) !== null);
    if (bad) {
      const e = new BlockedAddressError(`${hostname} resolves to a refused address`);
      return callback(e as NodeJS.ErrnoException, '', 0);
    }
    if (options.all)
      return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};

export type OutboundResult = {
  outcome: OutboundOutcome;
  statusCode: number | null;
  detail: string | null;
  /** The start of the receiver's answer, when `init.keepResponse` asked for it. */
  response?: string | null;
};

const categorize = (status: number): OutboundOutcome =>
  status >= 200 && status < 300
    ? 'ok'
    : status >= 300 && status < 400
      ? 'redirect_refused'
      : status >= 500
        ? 'http_5xx'
        : 'http_4xx';

/**
 * POSTs `body` to `url` through the guard. Never throws: the outcome is a category, and `detail`
 * (the underlying error code or message) is for the server log only.
 */
export function postOutbound(
  url: string,
  init: {
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
    allow: readonly OutboundAllow[];
    /** Keep up to this many bytes of the answer (group bots answer 200 with an error code). */
    keepResponse?: number;
  },
): Promise<OutboundResult> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve({ outcome: 'connection_failed', statusCode: null, detail: 'invalid URL' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return Promise.resolve({ outcome: 'connection_failed', statusCode: null, detail: 'not http(s)' });
  const allowed = isAllowed(u, init.allow);
  const host = canonicalHost(u.hostname) ?? u.hostname;
  // A literal address never goes through lookup (net.connect skips it), so it is checked here.
  const literal = isIP(host) ? blockedReason(host) : null;
  if (!allowed && literal)
    return Promise.resolve({ outcome: 'blocked_address', statusCode: null, detail: literal });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: OutboundResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = (u.protocol === 'https:' ? https : http).request(
      u,
      {
        method: 'POST',
        headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
        // No keep-alive pool: each attempt resolves and checks the address afresh.
        agent: false,
        lookup: allowed ? undefined : guardedLookup,
      },
      (res) => {
        const statusCode = res.statusCode ?? 0;
        const keep = init.keepResponse ?? 0;
        if (keep <= 0) {
          res.resume();
          finish({ outcome: categorize(statusCode), statusCode, detail: null });
          res.destroy();
          return;
        }
        // Read at most `keep` bytes, then stop: a receiver cannot make us hold a large answer.
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const response = Buffer.concat(chunks).subarray(0, keep).toString('utf8');
          finish({ outcome: categorize(statusCode), statusCode, detail: null, response });
          res.destroy();
        };
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size >= keep) done();
        });
        res.on('end', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      finish({ outcome: 'timeout', statusCode: null, detail: `no answer in ${init.timeoutMs} ms` });
      req.destroy();
    }, init.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      finish(
        e instanceof BlockedAddressError || e.code === 'EBLOCKEDADDRESS'
          ? { outcome: 'blocked_address', statusCode: null, detail: e.message }
          : { outcome: 'connection_failed', statusCode: null, detail: e.code ?? e.message },
      );
    });
    req.end(init.body);
  });
}
