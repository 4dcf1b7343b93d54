import { Readable } from 'node:stream';
import type { ReadableStream as WebStream } from 'node:stream/web';
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../errors.ts';
import { createRouter, ERRORS, json } from '../../server/env.ts';
import { IMPORT_ENTITIES, ImportOptions, importCsv } from './import.ts';

const ImportReport = z.object({
  entity: z.enum(IMPORT_ENTITIES),
  dryRun: z.boolean(),
  committed: z.boolean(),
  rows: z.number(),
  valid: z.number(),
  invalid: z.number(),
  created: z.number(),
  updated: z.number(),
  errors: z.array(
    z.object({
      line: z.number(),
      field: z.string().optional(),
      column: z.string().optional(),
      message: z.string(),
    }),
  ),
});

const ImportQuery = z.object({
  map: z.string().optional().openapi({ example: 'account_id=externalId,account_name=name' }),
  defaults: z.string().optional().openapi({ example: 'currency=USD,billingPeriod=annual' }),
  dryRun: z.enum(['true', 'false']).optional(),
  skipInvalid: z.enum(['true', 'false']).optional(),
  dateFormat: z.enum(['DMY', 'MDY']).optional(),
});

export function importRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/imports/{entity}',
      tags: ['Import'],
      summary: 'Import accounts, contacts or contracts from CSV (upsert by external id; managers and admins)',
      description:
        'The body is the CSV file (text/csv, first row headers, up to 50 MB). All rows are validated first; any invalid row aborts the import with a 400 listing every bad row by line, unless skipInvalid=true. dryRun=true validates and reports without writing.',
      request: {
        params: z.object({ entity: z.enum(IMPORT_ENTITIES) }),
        query: ImportQuery,
        body: { content: { 'text/csv': { schema: z.string() } }, required: true },
      },
      responses: { 200: json(ImportReport, 'The import report'), ...ERRORS },
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!/^text\/(csv|plain)|^application\/octet-stream/.test(type)) {
        throw new AppError(
          'unsupported_media_type',
          'Send the CSV file as the body with Content-Type: text/csv',
        );
      }
      const body = c.req.raw.body;
      if (!body) throw new AppError('bad_request', 'The request has no CSV body');
      const report = await importCsv({
        ctx: c.get('ctx'),
        entity: c.req.valid('param').entity,
        source: Readable.fromWeb(body as WebStream<Uint8Array>),
        options: ImportOptions.parse(c.req.valid('query')),
      });
      if (!report.committed && !report.dryRun && report.invalid > 0) {
        throw new AppError(
          'validation_failed',
          `${report.invalid} of ${report.rows} rows are invalid; nothing was imported (first: line ${report.errors[0]?.line}: ${report.errors[0]?.field ?? ''} ${report.errors[0]?.message ?? ''})`,
          report,
        );
      }
      return c.json(report, 200);
    },
  );
  return app;
}
