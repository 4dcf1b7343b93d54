import { createRoute, z } from '@hono/zod-openapi';
import { type Context, Hono } from 'hono';
import { type Deps, systemCtx, type WorkspaceRef } from '../../context.ts';
import { CSV_BODY, csvBody, ImportQuery, RowErrorSchema, throwIfRejected } from '../../csv/http.ts';
import { AppError } from '../../errors.ts';
import { createRouter, ERRORS, json, listOf } from '../../server/env.ts';
import { type BatchJob, type BatchResult, ingestBatches } from './ingest-batch.ts';
import { type Candidate, type EventType, fromPosthog, fromSegment } from './normalize.ts';
import { readJsonBody } from './request-body.ts';
import { getIngestSettings, IngestSettings, updateIngestSettings } from './settings.ts';
import { getIngestStats, listRejectedEvents } from './stats.ts';
import {
  authenticated,
  createAuthenticator,
  missingWriteKey,
  WRITE_KEY_FIELDS,
  writeKeyFromHeader,
} from './steps/authenticate.ts';
import { DROP_REASONS } from './steps/result.ts';
import { importUsageCsv, USAGE_MODES } from './usage-import.ts';
import { WriteQueue } from './write-queue.ts';

const KB = 1024;
/** Segment: 32 KB per single call, 500 KB per batch. PostHog's /batch/ takes up to 20 MB. */
const LIMITS = { single: 32 * KB, batch: 500 * KB, posthog: 20 * 1024 * KB } as const;

type Format = { kind: 'segment'; single?: EventType } | { kind: 'posthog'; capture?: boolean };

/**
 * The tracking endpoints, at the server root so official clients need only a host:
 * Segment's /v1/{batch,track,identify,group,page,screen,alias} and posthog-node's /batch/ and /capture/.
 */
export function ingestRoutes(deps: Deps) {
  const app = new Hono();
  // One writer per process, on both engines; requests that arrive meanwhile share its next commit.
  // SQLite has one writer anyway. On PostgreSQL, parallel writers mostly waited on each other's row
  // locks in the rollups and deadlocked now and then: 4 writers did 4.5 k events/s with deadlocks,
  // one did 9.5 k (npm run bench:ingest). Several server processes still write in parallel safely.
  const queue = new WriteQueue<BatchJob, BatchResult>({
    concurrency: 1,
    maxWaiting: 256,
    // ~25 batches of 100: more gained little and cost memory and latency.
    maxGroupWeight: 2500,
    weight: (job) => job.candidates.length,
    runGroup: ingestBatches,
  });
  const authenticate = createAuthenticator(deps);

  const handler = (format: Format) => async (c: Context) => {
    const limit = format.kind === 'posthog' ? LIMITS.posthog : format.single ? LIMITS.single : LIMITS.batch;
    // authenticate, before the body: a header key is checked before any of it is read; otherwise
    // the body's key is checked as the read reaches it, and a bad or missing one ends the read.
    let workspace: WorkspaceRef | undefined;
    const headerKey = writeKeyFromHeader(c.req.header('authorization'));
    if (headerKey) workspace = authenticated(await authenticate(headerKey));
    const body = await readJsonBody(c.req.raw, {
      limit,
      tooLarge: () => tooLarge(limit, format.kind === 'posthog'),
      onKey: workspace
        ? undefined
        : {
            fields: WRITE_KEY_FIELDS,
            check: async (key) => {
              workspace = authenticated(await authenticate(key));
            },
            missing: () => new AppError('unauthenticated', missingWriteKey().detail),
          },
    });
    if (!workspace) throw new AppError('unauthenticated', missingWriteKey().detail);

    let candidates: Candidate[];
    if (format.kind === 'segment') {
      if (format.single) candidates = [fromSegment({ ...body, type: format.single })];
      else if (Array.isArray(body.batch)) candidates = body.batch.map((m: unknown) => fromSegment(m, body));
      else throw new AppError('bad_request', 'The body must have a "batch" array');
    } else if (format.capture) {
      candidates = [fromPosthog(body, body)];
    } else if (Array.isArray(body.batch)) {
      candidates = body.batch.map((m: unknown) => fromPosthog(m, body));
    } else {
      throw new AppError('bad_request', 'The body must have a "batch" array');
    }
    const ctx = systemCtx(deps, workspace, 'ingest');
    const result = await queue.submit({ ctx, candidates, receivedAt: deps.now() });
    return c.json({
      success: true,
      accepted: result.accepted,
      duplicates: result.duplicates,
      pending: result.pending,
      rejected: result.rejected.length,
      errors: result.rejected,
    });
  };

  // The size limits are enforced by readJsonBody while it streams, after the header key's check.
  app.post('/v1/batch', handler({ kind: 'segment' }));
  app.post('/v1/import', handler({ kind: 'segment' }));
  for (const type of ['track', 'identify', 'group', 'page', 'screen', 'alias'] as const) {
    app.post(`/v1/${type}`, handler({ kind: 'segment', single: type }));
  }
  for (const path of ['/batch', '/batch/']) app.post(path, handler({ kind: 'posthog' }));
  for (const path of ['/capture', '/capture/']) app.post(path, handler({ kind: 'posthog', capture: true }));
  return app;
}

// Segment's clients treat 400 as "do not retry" (right for an oversized batch); posthog-node
// halves its batch on 413.
const tooLarge = (max: number, posthog: boolean) =>
  new AppError(posthog ? 'payload_too_large' : 'bad_request', `Request body is larger than ${max / KB} KB`);

const IngestStats = z.object({
  accepted: z.number(),
  duplicates: z.number(),
  pending: z.number().openapi({ description: 'Events stored without a known account yet' }),
  attached: z.number(),
  rejected: z
    .record(z.string(), z.number())
    .openapi({ description: `By reason: ${DROP_REASONS.join(', ')}` }),
});

/** The authenticated API of the module under /api/v1. */
export function ingestApiRoutes() {
  const app = createRouter();
  const tags = ['Ingest'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/ingest/stats',
      tags,
      summary:
        'Events accepted, duplicates, pending and rejected (by reason) since the workspace was created',
      responses: { 200: json(IngestStats, 'Counts'), ...ERRORS },
    }),
    async (c) => c.json(await getIngestStats({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/ingest/rejected',
      tags,
      summary: 'Recently rejected events with their reason, newest first',
      request: {
        query: z.object({
          reason: z.enum(DROP_REASONS).optional(),
          cursor: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      responses: {
        200: json(
          listOf(
            z.object({
              id: z.string(),
              reason: z.string(),
              detail: z.string().nullable(),
              payload: z.unknown(),
              receivedAt: z.string(),
            }),
          ),
          'Rejected events',
        ),
        ...ERRORS,
      },
    }),
    async (c) => c.json(await listRejectedEvents({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/ingest/settings',
      tags,
      summary: 'Group trait mapping, future-timestamp tolerance and raw-event retention',
      responses: { 200: json(IngestSettings, 'Settings'), ...ERRORS },
    }),
    async (c) => c.json(await getIngestSettings({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/ingest/settings',
      tags,
      summary: 'Change ingest settings (managers and admins)',
      request: {
        body: { content: { 'application/json': { schema: IngestSettings.partial() } }, required: true },
      },
      responses: { 200: json(IngestSettings, 'Saved'), ...ERRORS },
    }),
    async (c) => c.json(await updateIngestSettings({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/imports/usage',
      tags: ['Import'],
      summary:
        'Import usage from CSV: raw events, or daily counts per account and event (managers and admins)',
      description:
        'mode=daily (or a column mapped to count): day, event, count per account (accountExternalId, or contractExternalId joined to its account); mode=events: one row per event with timestamp and userId. Columns mapped to prop.<name> become event properties. Rows go through the tracking pipeline; re-importing the same file stores nothing twice. All rows or none unless skipInvalid=true; dryRun=true reports without writing.',
      request: {
        query: ImportQuery.extend({ mode: z.enum(USAGE_MODES).optional() }),
        body: CSV_BODY,
      },
      responses: {
        200: json(
          z.object({
            entity: z.literal('usage'),
            mode: z.enum(USAGE_MODES),
            dryRun: z.boolean(),
            committed: z.boolean(),
            rows: z.number(),
            valid: z.number(),
            invalid: z.number(),
            events: z.number(),
            duplicates: z.number(),
            errors: z.array(RowErrorSchema),
          }),
          'The import report',
        ),
        ...ERRORS,
      },
    }),
    async (c) =>
      c.json(
        throwIfRejected(
          await importUsageCsv({ ctx: c.get('ctx'), source: csvBody(c), options: c.req.valid('query') }),
        ),
        200,
      ),
  );
  return app;
}
