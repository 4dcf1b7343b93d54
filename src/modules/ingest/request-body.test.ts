import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { KEY_WINDOW, readJsonBody, TopLevelKeyScanner } from './request-body.ts';

const FIELDS = ['writeKey', 'write_key', 'api_key'];
const scan = (chunks: string[]) => {
  const s = new TopLevelKeyScanner(FIELDS);
  let found: ReturnType<TopLevelKeyScanner['push']> = null;
  for (const c of chunks) found = s.push(Buffer.from(c));
  return found;
};
const byteByByte = (text: string) => [...Buffer.from(text)].map((b) => String.fromCharCode(b));

/** A body that streams `prefix` then spaces up to `total` bytes, counting what is pulled from it. */
function countingBody(prefix: string, total: number) {
  let pulled = 0;
  const head = Buffer.from(prefix);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        const chunk = pulled === 0 ? head : Buffer.alloc(Math.min(64 * 1024, total - pulled), 0x20);
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

const request = (
  body: ReadableStream<Uint8Array> | Uint8Array | string,
  headers: Record<string, string> = {},
) => new Request('http://x/batch/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('TopLevelKeyScanner', () => {
  it('finds a top-level key before or after the batch, split at any byte', () => {
    expect(scan(['{"api_key":"phc_1","batch":[]}'])).toEqual({ field: 'api_key', value: 'phc_1' });
    const after = '{"batch":[{"event":"x","properties":{"api_key":"nested"}}],"writeKey":"wk_2"}';
    expect(scan(byteByByte(after))).toEqual({ field: 'writeKey', value: 'wk_2' });
  });

  it('ignores nested fields, values that look like keys and strings with quotes and brackets', () => {
    expect(scan(['{"batch":[{"api_key":"inner"}],"name":"api_key"}'])).toBeNull();
    expect(scan(['{"note":"{\\"api_key\\":\\"x\\"}","write_key":"w\\u005f3"}'])).toEqual({
      field: 'write_key',
      value: 'w_3',
    });
    expect(scan(['{"api_key":5,"api_key":{"a":"b"}}'])).toBeNull();
    expect(scan(['not json at all "api_key":"x"'])).toBeNull();
  });
});

describe('readJsonBody', () => {
  const limit = 20 * 1024 * 1024;
  const tooLarge = () => new AppError('payload_too_large', 'too large');
  const refuse = async () => {
    throw new AppError('unauthenticated', 'Unknown or revoked write key');
  };
  const missing = () => new AppError('unauthenticated', 'Missing write key');

  it('stops reading a 19 MB body at a bad key in its first bytes', async () => {
    const body = countingBody('{"api_key":"bad","batch":[', 19 * 1024 * 1024);
    await expect(
      readJsonBody(request(body.stream), {
        limit,
        tooLarge,
        onKey: { fields: FIELDS, check: refuse, missing },
      }),
    ).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(body.pulled()).toBeLessThan(256 * 1024);
  });

  it('stops reading a gzip body at a bad key as it inflates', async () => {
    const gz = gzipSync(Buffer.concat([Buffer.from('{"api_key":"bad","batch":['), Buffer.alloc(5e6, 0x20)]));
    let checked = '';
    await expect(
      readJsonBody(request(gz, { 'content-encoding': 'gzip' }), {
        limit,
        tooLarge,
        onKey: {
          fields: FIELDS,
          check: async (key) => {
            checked = key;
            await refuse();
          },
          missing,
        },
      }),
    ).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(checked).toBe('bad');
  });

  it('refuses a body without a key before parsing it, and parses one whose key passed', async () => {
    await expect(
      readJsonBody(request('{"batch":[]}'), {
        limit,
        tooLarge,
        onKey: { fields: FIELDS, check: refuse, missing },
      }),
    ).rejects.toThrow('Missing write key');
    let checked = '';
    const body = await readJsonBody(request('{"batch":[1],"writeKey":"good"}'), {
      limit,
      tooLarge,
      onKey: {
        fields: FIELDS,
        check: async (key) => {
          checked = key;
        },
        missing,
      },
    });
    expect(checked).toBe('good');
    expect(body).toEqual({ batch: [1], writeKey: 'good' });
  });

  it('refuses a large body with no key in its first 512 KB without reading the rest', async () => {
    const body = countingBody('{"batch":[', 19 * 1024 * 1024);
    await expect(
      readJsonBody(request(body.stream), {
        limit,
        tooLarge,
        onKey: { fields: FIELDS, check: refuse, missing },
      }),
    ).rejects.toThrow('Missing write key');
    expect(body.pulled()).toBeLessThanOrEqual(KEY_WINDOW + 64 * 1024);
  });

  it('refuses a body over the limit while streaming, declared or not', async () => {
    const body = countingBody('{"batch":[', 2 * 1024 * 1024);
    await expect(readJsonBody(request(body.stream), { limit: 1024 * 1024, tooLarge })).rejects.toThrow(
      'too large',
    );
    expect(body.pulled()).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
  });
});
