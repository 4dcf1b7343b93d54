import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type Locale, type Message, msg, render } from './i18n/index.ts';

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf_failed'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** The one place codes meet HTTP: adding a code fails to compile until it is mapped here. */
export const HTTP_STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export type ErrorDetails = Record<string, unknown> | unknown[];

export class AppError extends Error {
  /** The message as a key and parameters, rendered in the reader's locale when sent. */
  readonly text: Message | undefined;
  constructor(
    readonly code: ErrorCode,
    message: string | Message,
    readonly details?: ErrorDetails,
    /** Extra response headers, e.g. Retry-After on rate limits. */
    readonly headers?: Record<string, string>,
  ) {
    super(typeof message === 'string' ? message : render('en', message));
    this.text = typeof message === 'string' ? undefined : message;
    this.name = 'AppError';
  }

  /** The message in `locale`: from its key when it has one, else the English sentence it was given. */
  messageIn(locale: Locale): string {
    return this.text ? render(locale, this.text) : this.message;
  }
}

export const notFound = (what: string, id?: string) =>
  new AppError('not_found', id === undefined ? `${what} not found` : `${what} ${id} not found`);
export const forbidden = (message: string | Message = msg('error.forbidden')) =>
  new AppError('forbidden', message);
export const conflict = (message: string, details?: ErrorDetails) =>
  new AppError('conflict', message, details);
export const invalid = (message: string, details?: ErrorDetails) =>
  new AppError('validation_failed', message, details);

export type Issue = { path: string; message: string };

/** zod issues -> `{ path: "team.0.role", message }`, so every error names the field it is about. */
export function zodIssues(error: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>;
}): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

export function fromZod(
  error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> },
  what = 'input',
) {
  const issues = zodIssues(error);
  const first = issues[0];
  const message = first ? `Invalid ${what}: ${first.path}: ${first.message}` : `Invalid ${what}`;
  return new AppError('validation_failed', message, { issues });
}
