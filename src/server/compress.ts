import { once } from 'node:events';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { brotliCompress, constants, createBrotliCompress, createGzip, gzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

export type Encoding = 'br' | 'gzip';

/**
 * The best encoding a client accepts (Accept-Encoding, q-values honoured; brotli before gzip at equal
 * weight), or undefined for identity.
 */
export function chooseEncoding(header: string | undefined, offered: readonly Encoding[] = ['br', 'gzip']) {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  let best: Encoding | undefined;
  let bestWeight = 0;
  for (const encoding of offered) {
    const w =
      weights.get(encoding) ??
      (encoding === 'gzip' ? weights.get('x-gzip') : undefined) ??
      weights.get('*') ??
      0;
    if (w > bestWeight) {
      best = encoding;
      bestWeight = w;
    }
  }
  return best;
}

/** Adds Accept-Encoding to Vary (keeping what is there). */
export function varyOnEncoding(headers: Headers) {
  const vary = headers.get('vary');
  if (!vary) headers.set('vary', 'Accept-Encoding');
  else if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary))
    headers.set('vary', `${vary}, Accept-Encoding`);
}

const COMPRESSIBLE = /^(application\/(json|javascript|problem\+json|xml)|text\/|image\/svg\+xml)/i;
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
// Responses are compressed as they are sent: brotli 4 and gzip 6 compress a 1 MB JSON list in a few
// ms, off the event loop (zlib's thread pool); the build's copies of the web assets use the maximum.
const BROTLI_PARAMS = { [constants.BROTLI_PARAM_QUALITY]: 4 };

const compressAll = (data: Buffer, encoding: Encoding) =>
  encoding === 'br'
    ? brotli(data, { params: { ...BROTLI_PARAMS, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } })
    : gz(data, { level: 6 });

/**
 * Compresses JSON and text responses of at least `threshold` bytes with the best encoding the
 * client accepts. A body that arrives in one piece (every c.json) is compressed whole and gets its
 * Content-Length; a streamed one (exports, long lists) stays streamed: each chunk is compressed and
 * flushed as it comes, so the client sees rows as soon as it would have without compression.
 */
export function compressResponses(threshold = 2048): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (c.req.method === 'HEAD' || !res.body || res.status === 204 || res.status === 304) return;
    if (res.headers.has('content-encoding') || !COMPRESSIBLE.test(res.headers.get('content-type') ?? ''))
      return;
    varyOnEncoding(res.headers);
    const encoding = chooseEncoding(c.req.header('accept-encoding'));
    const declared = res.headers.get('content-length');
    if (!encoding || (declared !== null && Number(declared) < threshold)) return;

    // Read until the threshold is passed, then one chunk more: has the body ended?
    const reader = res.body.getReader();
    const head: Uint8Array[] = [];
    let size = 0;
    let done = false;
    while (!done && size < threshold) {
      const r = await reader.read();
      if (r.done) done = true;
      else {
        head.push(r.value);
        size += r.value.byteLength;
      }
    }
    if (!done) {
      const r = await reader.read();
      if (r.done) done = true;
      else head.push(r.value);
    }

    let body: Buffer | ReadableStream<Uint8Array>;
    let length: number | undefined;
    let encoded = true;
    if (done) {
      const whole = Buffer.concat(head);
      encoded = whole.length >= threshold;
      body = encoded ? await compressAll(whole, encoding) : whole;
      length = (body as Buffer).length;
    } else {
      const z =
        encoding === 'br'
          ? createBrotliCompress({ flush: constants.BROTLI_OPERATION_FLUSH, params: BROTLI_PARAMS })
          : createGzip({ level: 6, flush: constants.Z_SYNC_FLUSH });
      void (async () => {
        try {
          for (const chunk of head) if (!z.write(chunk)) await once(z, 'drain');
          for (;;) {
            const r = await reader.read();
            if (r.done) break;
            if (!z.write(r.value)) await once(z, 'drain');
          }
          z.end();
        } catch (error) {
          z.destroy(error as Error);
        }
      })();
      body = Readable.toWeb(z) as ReadableStream<Uint8Array>;
    }
    // Assigned first, then corrected: Hono copies the old response's headers onto the new one.
    c.res = new Response(body as ConstructorParameters<typeof Response>[0], {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
    if (length === undefined) c.res.headers.delete('content-length');
    else c.res.headers.set('content-length', String(length));
    if (encoded) c.res.headers.set('content-encoding', encoding);
  };
}
