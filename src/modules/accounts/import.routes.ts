import { Readable } from 'node:stream';
import type { ReadableStream as WebStream } from 'node:stream/web';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { createRouter, ERRORS, json, jsonBody, NO_CONTENT } from '../../server/env.ts';
import {
  IMPORT_ENTITIES,
  ImportOptions,
  type ImportReport,
  importFile,
  importProgress,
  previewImport,
} from './import.ts';
import {
  deleteImportMapping,
  deleteOwnerAlias,
  getImportRun,
  listImportMappings,
  listImportRuns,
  listOwnerAliases,
  SaveImportMapping,
  SaveOwnerAlias,
  saveImportMapping,
  saveOwnerAlias,
} from './import-store.ts';

const RowError = z.object({
  line: z.number(),
  field: z.string().optional(),
  column: z.string().optional(),
  value: z.string().optional(),
  message: z.string(),
});

const DateOrder = z.object({
  order: z.enum(['DMY', 'MDY']),
  source: z.enum(['option', 'file', 'default']),
  ambiguous: z.number(),
  example: z.string().optional(),
  dayFirst: z.number(),
  monthFirst: z.number(),
});

const FileInfo = z.object({
  format: z.enum(['csv', 'xlsx']),
  encoding: z.enum(['utf-8', 'utf-8-bom', 'gb18030', 'utf-16le', 'utf-16be']).optional(),
  delimiter: z.string().optional(),
});

export const ImportReportSchema = z
  .object({
    entity: z.enum(IMPORT_ENTITIES),
    runId: z.string(),
    dryRun: z.boolean(),
    committed: z.boolean(),
    file: FileInfo,
    mapping: z.record(z.string(), z.string()),
    dateOrder: DateOrder,
    rows: z.number(),
    valid: z.number(),
    invalid: z.number(),
    created: z.number(),
    updated: z.number(),
    unchanged: z.number(),
    merged: z.number(),
    skipped: z.object({ blank: z.number(), total: z.number() }),
    errors: z.array(RowError),
  })
  .openapi('ImportReport');

const ImportPreview = z
  .object({
    file: FileInfo,
    headers: z.array(
      z.object({ column: z.string(), samples: z.array(z.string()), suggested: z.string().nullable() }),
    ),
    rows: z.number(),
    fields: z.array(
      z.object({ field: z.string(), kind: z.string(), required: z.boolean(), help: z.string() }),
    ),
  })
  .openapi('ImportPreview');

const ImportMapping = z
  .object({
    id: z.string(),
    entity: z.enum(IMPORT_ENTITIES),
    name: z.string(),
    map: z.record(z.string(), z.string()),
    defaults: z.record(z.string(), z.string()),
    dateFormat: z.enum(['DMY', 'MDY']).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ImportMapping');

const OwnerAlias = z
  .object({ alias: z.string(), userId: z.string(), createdAt: z.string() })
  .openapi('OwnerAlias');

const ImportRun = z
  .object({
    id: z.string(),
    entity: z.enum(IMPORT_ENTITIES),
    fileName: z.string().nullable(),
    format: z.string().nullable(),
    encoding: z.string().nullable(),
    dryRun: z.boolean(),
    status: z.enum(['running', 'done', 'rejected', 'failed']),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    report: ImportReportSchema.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    progress: z
      .object({
        phase: z.enum(['read', 'validate', 'write']),
        done: z.number(),
        total: z.number().optional(),
      })
      .nullable()
      .optional(),
  })
  .openapi('ImportRun');

const ImportQuery = z.object({
  map: z.string().optional().openapi({ example: '客户编号=externalId,客户名称=name' }),
  defaults: z.string().optional().openapi({ example: 'currency=USD,billingPeriod=annual' }),
  mapping: z.string().optional().openapi({ description: 'the name of a saved mapping' }),
  dryRun: z.enum(['true', 'false']).optional(),
  skipInvalid: z.enum(['true', 'false']).optional(),
  dateFormat: z.enum(['DMY', 'MDY']).optional(),
  fileName: z.string().max(300).optional(),
  async: z.enum(['true', 'false']).optional().openapi({
    description:
      'true: answer 202 with the run id at once; GET /imports/runs/{id} has the progress and report',
  }),
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FILE_BODY = {
  content: {
    'text/csv': { schema: z.string() },
    [XLSX]: { schema: z.string().openapi({ format: 'binary' }) },
    'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
  },
  required: true,
} as const;

/** The request body as the uploaded file's bytes: CSV or TSV in any detected encoding, or .xlsx. */
async function fileBody(c: Context): Promise<Buffer> {
  const type = c.req.header('content-type') ?? '';
  if (
    !/^text\/(csv|plain|tab-separated-values)|^application\/(octet-stream|vnd\.ms-excel|vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet)/.test(
      type,
    )
  ) {
    throw new AppError('unsupported_media_type', msg('imports.error.contentType'));
  }
  const body = c.req.raw.body;
  if (!body) throw new AppError('bad_request', msg('imports.error.empty'));
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.fromWeb(body as WebStream<Uint8Array>)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** An import that wrote nothing because rows were invalid answers 400 with the whole report. */
function throwIfRejected(report: ImportReport): ImportReport {
  if (!report.committed && !report.dryRun && report.invalid > 0) {
    const first = report.errors[0];
    throw new AppError(
      'validation_failed',
      msg('imports.error.rejected', {
        invalid: report.invalid,
        rows: report.rows,
        line: first?.line ?? '',
        field: first?.column ?? first?.field ?? '',
        message: first?.message ?? '',
      }),
      report,
    );
  }
  return report;
}

const Entity = z.object({ entity: z.enum(IMPORT_ENTITIES) });

export function importRoutes() {
  const app = createRouter();
  const tags = ['Import'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/imports/runs',
      tags,
      summary: 'The import history, newest first (managers and admins)',
      responses: {
        200: json(z.object({ items: z.array(ImportRun) }), 'Recent imports and dry runs'),
        ...ERRORS,
      },
    }),
    async (c) => c.json({ items: await listImportRuns(c.get('ctx')) } as never, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/imports/runs/{id}',
      tags,
      summary: 'One import: its progress while it runs, its report when done',
      request: { params: z.object({ id: z.string().min(1).max(100) }) },
      responses: { 200: json(ImportRun, 'The import'), ...ERRORS },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const run = await getImportRun(c.get('ctx'), id);
      // This thread's own import, else what the importing thread (a worker, another node) last stored.
      return c.json({ ...run, progress: importProgress(id) ?? run.progress } as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/imports/mappings',
      tags,
      summary: "The workspace's saved column mappings",
      request: { query: z.object({ entity: z.enum(IMPORT_ENTITIES).optional() }) },
      responses: { 200: json(z.object({ items: z.array(ImportMapping) }), 'Saved mappings'), ...ERRORS },
    }),
    async (c) => c.json({ items: await listImportMappings(c.get('ctx'), c.req.valid('query').entity) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/imports/mappings',
      tags,
      summary: 'Save a column mapping under a name (replaces one of that name)',
      request: { body: jsonBody(SaveImportMapping) },
      responses: { 200: json(ImportMapping, 'Saved'), ...ERRORS },
    }),
    async (c) => c.json(await saveImportMapping({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/imports/mappings/{id}',
      tags,
      summary: 'Delete a saved mapping',
      request: { params: z.object({ id: z.string().min(1).max(100) }) },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteImportMapping({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/imports/owner-aliases',
      tags,
      summary: 'What an owner column may say for a user besides email or name',
      responses: { 200: json(z.object({ items: z.array(OwnerAlias) }), 'Owner aliases'), ...ERRORS },
    }),
    async (c) => c.json({ items: await listOwnerAliases(c.get('ctx')) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/imports/owner-aliases',
      tags,
      summary: 'Save an owner alias (e.g. 张总 for a user); compared in lower case',
      request: { body: jsonBody(SaveOwnerAlias) },
      responses: { 200: json(OwnerAlias, 'Saved'), ...ERRORS },
    }),
    async (c) => c.json(await saveOwnerAlias({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/imports/owner-aliases/{alias}',
      tags,
      summary: 'Delete an owner alias',
      request: { params: z.object({ alias: z.string().min(1).max(200) }) },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteOwnerAlias({ ctx: c.get('ctx'), alias: c.req.valid('param').alias });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/imports/{entity}/preview',
      tags,
      summary:
        "An import file's columns, sample values and suggested fields (the guided import's first step)",
      description:
        'The body is the file: .xlsx, or CSV/TSV in UTF-8 (with or without BOM), GB18030/GBK or UTF-16 (Excel "Unicode text"); the encoding is detected.',
      request: { params: Entity, body: FILE_BODY },
      responses: { 200: json(ImportPreview, 'The columns and suggestions'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await previewImport({
          ctx: c.get('ctx'),
          entity: c.req.valid('param').entity,
          source: await fileBody(c),
        }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/imports/{entity}',
      tags,
      summary:
        'Import accounts, contacts, contracts or support tickets from .xlsx or CSV (managers and admins)',
      description:
        'The body is the file (.xlsx, or CSV/TSV in a detected encoding; up to 50 MB). Accounts upsert by external id; contracts by external id, else by account, start, end, amount and currency; contacts by external user id, else within the account by email, phone, WeChat id or name. Tickets upsert by the help desk’s ticket id (times without an offset are in the workspace time zone). Rows equal to what is stored are left alone, so the same file twice changes nothing. All rows are validated first; any invalid row aborts the import with a 400 listing every bad row by line, column, value and expected form, unless skipInvalid=true. dryRun=true validates and reports without writing. The import runs in a heavy-read process beside the server and writes in batches of 500 rows, each its own transaction, storing its progress on the run after each. async=true answers 202 with the run id at once.',
      request: { params: Entity, query: ImportQuery, body: FILE_BODY },
      responses: {
        200: json(ImportReportSchema, 'The import report'),
        202: json(z.object({ runId: z.string() }), 'Started; poll GET /imports/runs/{id}'),
        ...ERRORS,
      },
    }),
    async (c) => {
      const ctx = c.get('ctx');
      const { async: background, ...query } = c.req.valid('query');
      const options = ImportOptions.parse(query);
      const entity = c.req.valid('param').entity;
      const source = await fileBody(c);
      if (background === 'true') {
        const runId = newId();
        // The run row and its progress are what the caller reads; a failure is recorded there.
        // Answered once the row exists (or the import failed before it: then the error is the answer).
        await new Promise<void>((resolve, reject) => {
          importFile({ ctx, entity, source, options, runId, onStarted: resolve }).catch((error: unknown) => {
            reject(error);
            if (!(error instanceof AppError)) ctx.logger.error({ err: error, runId }, 'import failed');
          });
        });
        return c.json({ runId }, 202);
      }
      return c.json(throwIfRejected(await importFile({ ctx, entity, source, options })), 200);
    },
  );
  return app;
}
