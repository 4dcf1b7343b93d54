import { z } from 'zod';
import { AppError } from './errors.ts';
import { msg } from './i18n/index.ts';
import { badText } from './text.ts';

/** Opaque keyset cursors: the sort values of the last row returned, base64url-encoded JSON. */
export const encodeCursor = (values: readonly unknown[]): string =>
  Buffer.from(JSON.stringify(values)).toString('base64url');

/**
 * What one cursor position holds: text (dates and ids are text on both engines), a finite number
 * (numeric sort keys), or a row offset (a whole number from 0).
 */
export type CursorKind = 'string' | 'number' | 'offset';

/** Longer than any sort value a list issues; a cursor is a client's to hold, not to fill. */
const MAX_CURSOR = 4096;
const MAX_TEXT = 1024;

const fits: Record<CursorKind, (v: unknown) => boolean> = {
  // NUL and lone surrogates: PostgreSQL refuses NUL in text (an error, not an empty page).
  string: (v) => typeof v === 'string' && v.length <= MAX_TEXT && badText(v) === undefined,
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  offset: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
};

/**
 * The values of a cursor this list issued, checked position by position against `shape`: anything
 * else (bad base64, bad JSON, wrong length, a value of the wrong type) is a 400 on `cursor`, never
 * a value handed to SQL, where a tampered type would fail on one engine and not the other.
 */
export function decodeCursor(cursor: string, shape: readonly CursorKind[]): unknown[] {
  if (cursor.length <= MAX_CURSOR && /^[A-Za-z0-9_-]*$/.test(cursor)) {
    try {
      const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (
        Array.isArray(values) &&
        values.length === shape.length &&
        values.every((v, i) => fits[shape[i]!](v))
      ) {
        return values;
      }
    } catch {
      // falls through to the error below
    }
  }
  throw new AppError('validation_failed', msg('error.badCursor'), {
    issues: [{ path: 'cursor', message: msg('error.notACursor') }],
  });
}

export const Limit = z.coerce.number().int().min(1).max(200).default(50);

export type Page<T> = { items: T[]; nextCursor: string | null };
