import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  isMessage,
  type Locale,
  type Message,
  type MessageKey,
  msg,
  type Param,
  render,
} from './i18n/index.ts';
// Sets zod's messages to the reader's language; imported here because every module imports errors.ts.
import { requestLocale } from './i18n/request-locale.ts';

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

const ENTITIES: Record<string, MessageKey> = {
  Account: 'entity.account',
  'Account with external id': 'entity.accountExternalId',
  Contact: 'entity.contact',
  Contract: 'entity.contract',
  'Currency rate': 'entity.currencyRate',
  'Custom field': 'entity.customField',
  Feature: 'entity.feature',
  Group: 'entity.group',
  'Health model': 'entity.healthModel',
  'Lifecycle stage': 'entity.lifecycleStage',
  Metric: 'entity.metric',
  Notification: 'entity.notification',
  Playbook: 'entity.playbook',
  'Renewal for contract': 'entity.renewalForContract',
  Request: 'entity.request',
  'Request group': 'entity.requestGroup',
  Rule: 'entity.rule',
  Run: 'entity.run',
  Segment: 'entity.segment',
  Task: 'entity.task',
  'Tiering scheme': 'entity.tieringScheme',
  User: 'entity.user',
  Workspace: 'entity.workspace',
  'API token': 'entity.token',
  'Write key': 'entity.writeKey',
  Webhook: 'entity.webhook',
};

/** The name of a kind of thing as a message: the known English names map to their key. */
export const entityName = (what: string | Message): Message | string =>
  typeof what !== 'string' ? what : ENTITIES[what] ? msg(ENTITIES[what]) : what;

export const notFound = (what: string | Message, id?: string) =>
  new AppError(
    'not_found',
    id === undefined
      ? msg('error.notFound', { what: entityName(what) })
      : msg('error.notFoundId', { what: entityName(what), id }),
  );
export const forbidden = (message: string | Message = msg('error.forbidden')) =>
  new AppError('forbidden', message);
export const conflict = (message: string | Message, details?: ErrorDetails) =>
  new AppError('conflict', message, details);
export const invalid = (message: string | Message, details?: ErrorDetails) =>
  new AppError('validation_failed', message, details);
/** "A segment with key vip already exists": `what` is a name from ENTITIES or a message. */
export const duplicateKey = (what: string | Message, key: string) =>
  conflict(msg('error.duplicateKey', { what: entityName(what), key }));

/**
 * A custom zod issue message in the reader's language: zod computes messages while parsing, inside
 * the request. In schemas built once, pass `{ error: () => zodText(...) }` so it renders per parse.
 */
export const zodText = (key: MessageKey, params?: Record<string, Param>): string =>
  render(requestLocale(), msg(key, params));

/** One issue's message: a person's or zod's sentence (already in the reader's language), or a key. */
export type Issue = { path: string; message: string | Message };

const PARTS: Record<string, MessageKey> = {
  input: 'part.input',
  body: 'part.body',
  json: 'part.body',
  query: 'part.query',
  param: 'part.param',
  header: 'part.header',
  cookie: 'part.cookie',
  form: 'part.form',
  condition: 'part.condition',
};
const partName = (what: string | Message): Param =>
  typeof what !== 'string' ? what : PARTS[what] ? msg(PARTS[what]) : what;

/**
 * A validation error about one field: "Invalid body: name: must not be empty", with the issue
 * the web app shows beside the field. `problem` follows the field name.
 */
export function invalidField(
  path: string,
  problem: string | Message,
  what: string | Message = 'body',
  extra?: Record<string, unknown>,
): AppError {
  return new AppError(
    'validation_failed',
    msg('error.invalidInput', { what: partName(what), path, problem }),
    {
      issues: [{ path, message: problem }],
      ...extra,
    },
  );
}

/** Several issues at once; the message names the first. */
export function invalidIssues(issues: Issue[], what: string | Message = 'body'): AppError {
  const first = issues[0];
  return new AppError(
    'validation_failed',
    first
      ? msg('error.invalidInput', { what: partName(what), path: first.path, problem: first.message })
      : msg('error.invalidInputBare', { what: partName(what) }),
    { issues },
  );
}

/** zod issues -> `{ path: "team.0.role", message }`, so every error names the field it is about. */
export function zodIssues(error: {
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>;
}): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

/**
 * zod's own messages are in the reader's language already (i18n/request-locale.ts sets zod's
 * locale per request); the sentence around them is rendered when the error is sent.
 */
export function fromZod(
  error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> },
  what: string | Message = 'input',
) {
  return invalidIssues(zodIssues(error), what);
}

/** Details as sent: issue messages that are keys rendered in `locale`. */
export function detailsIn(locale: Locale, details: ErrorDetails | undefined): ErrorDetails | undefined {
  if (!details || Array.isArray(details) || !Array.isArray(details.issues)) return details;
  return {
    ...details,
    issues: (details.issues as Issue[]).map((i) =>
      i && typeof i === 'object' && typeof i.message === 'object' && isMessage(i.message)
        ? { ...i, message: render(locale, i.message) }
        : i,
    ),
  };
}
