import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { isTransient } from '../db/dialect.ts';
import { AppError, detailsIn, type ErrorCode, fromZod, HTTP_STATUS } from '../errors.ts';
import { DEFAULT_LOCALE, type Locale, msg } from '../i18n/index.ts';
import type { Logger } from '../logger.ts';
import { ConditionError } from '../modules/facts/condition.ts';

export function errorBody(c: Context, code: ErrorCode, message: string, details?: unknown) {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? 'unknown';
  return { error: { code, message, ...(details === undefined ? {} : { details }), requestId } };
}

export function sendError(c: Context, error: AppError) {
  for (const [k, v] of Object.entries(error.headers ?? {})) c.header(k, v);
  const locale = (c.get('locale' as never) as Locale | undefined) ?? DEFAULT_LOCALE;
  return c.json(
    errorBody(c, error.code, error.messageIn(locale), detailsIn(locale, error.details)),
    HTTP_STATUS[error.code],
  );
}

/** The one translation from thrown things to HTTP answers. */
export function toAppError(error: unknown, logger: Logger, requestId: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return fromZod(error);
  if (error instanceof ConditionError) {
    return new AppError('validation_failed', error.text, {
      issues: [{ path: error.path ?? 'condition', message: error.text }],
      ...(error.position ? { position: error.position } : {}),
    });
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) return new AppError('payload_too_large', msg('error.payloadTooLarge'));
    if (error.status === 400) {
      const malformed = /json/i.test(error.message);
      return new AppError('bad_request', malformed ? msg('error.malformedJson') : error.message);
    }
    if (error.status === 401)
      return new AppError('unauthenticated', error.message || msg('error.signInFirst'));
    if (error.status === 415) return new AppError('unsupported_media_type', error.message);
  }
  if (isTransient(error)) {
    logger.warn({ err: error, requestId }, 'transient database failure');
    return new AppError('unavailable', msg('error.unavailable'), undefined, {
      'Retry-After': '1',
    });
  }
  logger.error({ err: error, requestId }, 'unhandled error');
  return new AppError('internal', msg('error.internal'));
}
