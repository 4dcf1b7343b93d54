// What every CSV import route shares: reading the body as a stream, the common query options,
// and turning a report with invalid rows (and nothing written) into a 400 that lists them.
import { Readable } from 'node:stream';
import type { ReadableStream as WebStream } from 'node:stream/web';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import { msg } from '../i18n/index.ts';

export const RowErrorSchema = z.object({
  line: z.number(),
  field: z.string().optional(),
  column: z.string().optional(),
  message: z.string(),
});

export const ImportQuery = z.object({
  map: z.string().optional().openapi({ example: 'account_id=externalId,account_name=name' }),
  defaults: z.string().optional().openapi({ example: 'currency=USD,billingPeriod=annual' }),
  dryRun: z.enum(['true', 'false']).optional(),
  skipInvalid: z.enum(['true', 'false']).optional(),
  dateFormat: z.enum(['DMY', 'MDY']).optional(),
});

export const CSV_BODY = { content: { 'text/csv': { schema: z.string() } }, required: true } as const;

export function csvBody(c: Context): Readable {
  const type = c.req.header('content-type') ?? '';
  if (!/^text\/(csv|plain)|^application\/octet-stream/.test(type)) {
    throw new AppError('unsupported_media_type', msg('error.csvContentType'));
  }
  const body = c.req.raw.body;
  if (!body) throw new AppError('bad_request', msg('error.csvEmpty'));
  return Readable.fromWeb(body as WebStream<Uint8Array>);
}

type Report = {
  committed: boolean;
  dryRun: boolean;
  invalid: number;
  rows: number;
  errors: { line: number; field?: string; message: string }[];
};

/** An import that wrote nothing because rows were invalid answers 400 with the whole report. */
export function throwIfRejected<T extends Report>(report: T): T {
  if (!report.committed && !report.dryRun && report.invalid > 0) {
    const first = report.errors[0];
    throw new AppError(
      'validation_failed',
      msg('imports.error.rejected', {
        invalid: report.invalid,
        rows: report.rows,
        line: first?.line ?? null,
        field: first?.field ?? '',
        message: first?.message ?? '',
      }),
      report,
    );
  }
  return report;
}
