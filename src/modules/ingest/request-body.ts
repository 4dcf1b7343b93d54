// Reading a tracking request's body as a stream, so that the write key can be checked before the
// body is kept or parsed. Parsing a 19 MB PostHog body into objects took the server from 306 to
// 610 MB RSS; an unauthenticated caller must not be able to make it do that.
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { setRequestLocale } from '../../i18n/request-locale.ts';
import { isObject } from './normalize.ts';

/**
 * A key in the body must come within its first 512 KB (posthog-node sends api_key first; a Segment
 * batch is at most 500 KB, so there it may come anywhere). Past that, a body without a key is
 * refused: an unauthenticated caller holds at most this much of the server's memory.
 */
export const KEY_WINDOW = 512 * 1024;

/** What a body key field holds; longer strings are not write keys and are not captured. */
const MAX_KEY_CHARS = 512;

/**
 * Finds the string value of given top-level fields of a JSON object as its bytes stream past,
 * without building the document: one state machine over bytes (UTF-8 never puts an ASCII byte
 * inside a multi-byte character, so structure and quotes can be read byte by byte). Nested objects
 * and arrays are skipped by depth; malformed input only means no key is found.
 */
export class TopLevelKeyScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The current top-level string's bytes, while it may still be a key or a key's value. */
  private capture: number[] | null = null;
  private captureOverflow = false;
  /** The last top-level key read, while its value has not started. */
  private pendingKey: string | null = null;
  private expectValueOf: string | null = null;
  private stringIsKey = false;
  private found: { field: string; value: string } | null = null;

  constructor(private readonly fields: readonly string[]) {}

  /** Feeds bytes; returns the first wanted field found (and keeps returning it). */
  push(bytes: Uint8Array): { field: string; value: string } | null {
    if (this.found) return this.found;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c) this.escaped = true;
        else if (b === 0x22) {
          this.inString = false;
          this.endString();
          if (this.found) return this.found;
          continue;
        }
        if (this.capture) {
          if (this.capture.length < MAX_KEY_CHARS * 4) this.capture.push(b);
          else this.captureOverflow = true;
        }
        continue;
      }
      switch (b) {
        case 0x22: // "
          this.inString = true;
          if (this.depth === 1) {
            // At depth 1 a string is a key unless a colon came after the previous key.
            this.stringIsKey = this.expectValueOf === null;
            this.capture = this.stringIsKey || this.expectValueOf !== '' ? [] : null;
            this.captureOverflow = false;
          } else this.capture = null;
          break;
        case 0x3a: // :
          if (this.depth === 1 && this.pendingKey !== null) {
            this.expectValueOf = this.fields.includes(this.pendingKey) ? this.pendingKey : '';
            this.pendingKey = null;
          }
          break;
        case 0x7b: // {
        case 0x5b: // [
          if (this.depth === 1) this.expectValueOf = null;
          this.depth++;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          this.depth--;
          if (this.depth === 1) this.expectValueOf = null;
          break;
        case 0x2c: // ,
          if (this.depth === 1) {
            this.expectValueOf = null;
            this.pendingKey = null;
          }
          break;
        default:
          break;
      }
    }
    return this.found;
  }

  private endString() {
    if (this.depth !== 1 || !this.capture) return;
    const text = this.decode(this.capture);
    this.capture = null;
    if (this.stringIsKey) {
      this.pendingKey = text;
      return;
    }
    const field = this.expectValueOf;
    this.expectValueOf = null;
    if (field && text !== null && text !== '' && !this.captureOverflow) this.found = { field, value: text };
  }

  private decode(bytes: number[]): string | null {
    const raw = Buffer.from(bytes).toString('utf8');
    if (!raw.includes('\\')) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return null;
    }
  }
}

export type ReadBodyOptions = {
  /** Largest body accepted, after inflating a gzip body. */
  limit: number;
  /** Refusal for a body over the limit (400 for Segment's clients, 413 for posthog-node). */
  tooLarge: () => AppError;
  /** The body is gzip though no Content-Encoding says so (posthog-js's `compression=gzip-js`). */
  gzip?: boolean;
  /**
   * Called once with the first write key found in the body, before the rest is read; throwing
   * stops the read (the rest of the body is never received into memory nor parsed). Omitted when
   * the key came in a header and was checked already.
   */
  onKey?: { fields: readonly string[]; check: (key: string) => Promise<void>; missing: () => AppError };
};

/** Requests whose body was read to its end: the others' connections are closed after the answer. */
const fullyRead = new WeakSet<Request>();
export const bodyWasRead = (request: Request) => fullyRead.has(request);

/**
 * The body's bytes as a stream, bounded by the limit before and after inflating; gzip is
 * recognised by Content-Encoding, by `options.gzip`, or by its magic bytes (1f 8b), since
 * posthog-js sends gzip as text/plain without a header.
 */
async function bodyStream(request: Request, options: ReadBodyOptions) {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > options.limit) throw options.tooLarge();
  const source = request.body;
  if (!source) {
    fullyRead.add(request);
    throw new AppError('bad_request', msg('error.malformedJson'));
  }
  // The compressed size is bounded too, so a body cannot stream without end into the inflater.
  let raw = 0;
  const counted = source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        raw += chunk.byteLength;
        if (raw > options.limit) controller.error(options.tooLarge());
        else controller.enqueue(chunk);
      },
      flush() {
        fullyRead.add(request);
      },
    }),
  );
  const rawReader = counted.getReader();
  const first = await rawReader.read();
  const head = first.done ? new Uint8Array(0) : first.value;
  const declaredGzip = (request.headers.get('content-encoding') ?? '').toLowerCase().includes('gzip');
  const gzip = declaredGzip || options.gzip === true || (head[0] === 0x1f && head[1] === 0x8b);
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.byteLength) controller.enqueue(head);
      if (first.done) controller.close();
    },
    async pull(controller) {
      try {
        const next = await rawReader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel(reason) {
      return rawReader.cancel(reason);
    },
  });
  return { stream: gzip ? replay.pipeThrough(new DecompressionStream('gzip')) : replay, gzip };
}

/**
 * Reads a JSON object body (gzip inflated as it streams), enforcing the limit while reading.
 * With `onKey`, a body without a key is refused before it is parsed.
 */
export async function readJsonBody(
  request: Request,
  options: ReadBodyOptions,
): Promise<Record<string, unknown>> {
  const body = parseJsonBody(await readBodyBytes(request, options));
  if (!isObject(body)) throw new AppError('bad_request', msg('ingest.error.notObject'));
  return body;
}

/** The body's bytes (inflated), read under the limit; with `onKey` as readJsonBody. */
export async function readBodyBytes(request: Request, options: ReadBodyOptions): Promise<Buffer> {
  const { stream, gzip } = await bodyStream(request, options);
  const reader = stream.getReader();
  const scanner = options.onKey ? new TopLevelKeyScanner(options.onKey.fields) : null;
  let keyChecked = false;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (gzip) throw new AppError('bad_request', msg('ingest.error.badGzip'));
        throw error;
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > options.limit) throw options.tooLarge();
      chunks.push(next.value);
      if (scanner && !keyChecked) {
        const found = scanner.push(next.value);
        if (found) {
          keyChecked = true;
          await options.onKey!.check(found.value);
        } else if (size > KEY_WINDOW) throw options.onKey!.missing();
      }
    }
  } catch (error) {
    // Stop receiving: the rest of the body is discarded, never buffered here; the connection is
    // closed after the answer (the route sees bodyWasRead false), so no half-read request is left
    // on a keep-alive socket.
    reader.cancel().catch(() => {});
    throw error;
  }
  if (options.onKey && !keyChecked) throw options.onKey.missing();
  return Buffer.concat(chunks, size);
}

export function parseJsonBody(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new AppError('bad_request', msg('error.malformedJson'));
  }
}

/**
 * A posthog-js body: JSON, gzip (inflated by readBodyBytes), base64 (`compression=base64`), or a
 * form with the payload in `data=` (sendBeacon and older clients), the form's value itself JSON
 * or base64.
 */
export function decodePosthogBody(bytes: Buffer, compression: string | undefined): unknown {
  let text = bytes.toString('utf8').trim();
  if (text.startsWith('data=') || text.includes('&data=')) {
    const data = new URLSearchParams(text).get('data') ?? '';
    text = data.trim();
  }
  const looksJson = text.startsWith('{') || text.startsWith('[');
  if (!looksJson && (compression === 'base64' || /^[A-Za-z0-9+/=\s]+$/.test(text))) {
    text = Buffer.from(text, 'base64').toString('utf8');
  }
  return parseJsonBody(Buffer.from(text, 'utf8'));
}

/**
 * Reads and discards a body the route ignores (posthog-js's /s/ recordings, analytics.js's /v1/m
 * metrics), so the keep-alive connection stays usable; past `cap` the read stops and the
 * connection is closed after the answer instead.
 */
export async function drainBody(request: Request, cap: number): Promise<void> {
  const body = request.body;
  if (!body) {
    fullyRead.add(request);
    return;
  }
  const reader = body.getReader();
  let size = 0;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      size += next.value.byteLength;
      if (size > cap) {
        reader.cancel().catch(() => {});
        return;
      }
    }
    fullyRead.add(request);
  } catch {
    reader.cancel().catch(() => {});
  }
}

/**
 * The tracking endpoints answer SDKs, which send no Accept-Language: their errors read in English,
 * as every SDK's own messages do, unless the caller asks for a language.
 */
export function sdkLocale(c: Context): void {
  if (c.req.header('accept-language')) return;
  (c as Context<{ Variables: { locale: 'en' | 'zh-CN' } }>).set('locale', 'en');
  setRequestLocale('en');
}
