import { messages } from '../i18n/messages.ts';
import type { paths } from './schema.gen.ts';
import type { QueryOf, ResponseOf } from './types.ts';

/** The API's error shape, `{ error: { code, message, details?, requestId } }`, as a thrown value. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;
let locale: string | undefined;

/** The language on screen, sent as Accept-Language so server texts come back in it. */
export function setRequestLocale(l: string) {
  locale = l;
}

/** The session's CSRF token (from login or /auth/me), sent back on every write. */
export function setCsrfToken(token: string | null | undefined) {
  csrfToken = token ?? undefined;
}

type Query = Record<string, string | number | boolean | null | undefined | string[]>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item);
    else params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  options: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (locale) headers['accept-language'] = locale;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(`/api/v1${path}`, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', messages.serverUnreachable[locale === 'en' ? 0 : 1]);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.details);
  }
  return data as T;
}

/** GET of a text body (CSV export reads JSON pages; this is for anything else). */
export const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
  api<T>('GET', path, { query, signal });

/** Paths of the OpenAPI document that answer GET. */
export type GetPath = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths];

/**
 * GET of a path as the OpenAPI document spells it (`/accounts/{id}/health`): its query and its
 * answer are typed from schema.gen.ts, so a call cannot ask for a parameter or read a field the
 * server does not have.
 */
export function apiGet<P extends GetPath>(
  path: P,
  options: { params?: Record<string, string>; query?: QueryOf<P, 'get'>; signal?: AbortSignal } = {},
): Promise<ResponseOf<P, 'get'>> {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`GET ${path}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
  return api<ResponseOf<P, 'get'>>('GET', url, {
    query: options.query as Query | undefined,
    signal: options.signal,
  });
}

/**
 * POST of a file as the request body (imports): its own content type, the CSRF header, the
 * answer or our error shape as ApiError.
 */
export async function apiUpload<T>(path: string, file: Blob, query?: Query): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': file.type || 'application/octet-stream',
  };
  if (locale) headers['accept-language'] = locale;
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(`/api/v1${path}`, query), {
      method: 'POST',
      headers,
      credentials: 'same-origin',
      body: file,
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached');
  }
  const data = (await res.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string; details?: unknown } }
    | undefined;
  if (!res.ok) {
    const e = data?.error;
    throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.details);
  }
  return data as T;
}
