import { z } from 'zod';
import { AppError } from './errors.ts';

/** Opaque keyset cursors: the sort values of the last row returned, base64url-encoded JSON. */
export const encodeCursor = (values: readonly unknown[]): string =>
  Buffer.from(JSON.stringify(values)).toString('base64url');

export function decodeCursor(cursor: string, length: number): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length) return values;
  } catch {
    // falls through to the error below
  }
  throw new AppError('validation_failed', 'Invalid cursor: pass back the nextCursor of a previous page', {
    issues: [{ path: 'cursor', message: 'not a cursor this list issued' }],
  });
}

export const Limit = z.coerce.number().int().min(1).max(200).default(50);

export type Page<T> = { items: T[]; nextCursor: string | null };
