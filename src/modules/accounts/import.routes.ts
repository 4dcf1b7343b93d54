import { createRoute, z } from '@hono/zod-openapi';
import { CSV_BODY, csvBody, ImportQuery, RowErrorSchema, throwIfRejected } from '../../csv/http.ts';
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
  errors: z.array(RowErrorSchema),
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
        body: CSV_BODY,
      },
      responses: { 200: json(ImportReport, 'The import report'), ...ERRORS },
    }),
    async (c) => {
      const report = await importCsv({
        ctx: c.get('ctx'),
        entity: c.req.valid('param').entity,
        source: csvBody(c),
        options: ImportOptions.parse(c.req.valid('query')),
      });
      return c.json(throwIfRejected(report), 200);
    },
  );
  return app;
}
