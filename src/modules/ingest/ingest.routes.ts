import { createRoute, z } from '@hono/zod-openapi';
import { type Context, Hono } from 'hono';
import { type Deps, systemCtx, type WorkspaceRef } from '../../context.ts';
import { CSV_BODY, csvBody, ImportQuery, RowErrorSchema, throwIfRejected } from '../../csv/http.ts';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { createRouter, ERRORS, json, listOf } from '../../server/env.ts';
import { type BatchJob, type BatchResult, ingestBatches } from './ingest-batch.ts';
import { type Candidate, type EventType, fromPosthog, fromSegment, isObject } from './normalize.ts';
import { bodyWasRead, decodePosthogBody, readBodyBytes, readJsonBody, sdkLocale } from './request-body.ts';
import { sdkConfigRoutes } from './sdk-config.ts';
import { getIngestSettings, IngestSettings, updateIngestSettings } from './settings.ts';
import { getIngestStats, listRejectedEvents } from './stats.ts';
import {
  authenticated,
  authFailureMessage,
  createAuthenticator,
  WRITE_KEY_FIELDS,
  writeKeyFromHeader,
} from './steps/authenticate.ts';
import { DROP_REASONS } from './steps/result.ts';
import { importUsageCsv, USAGE_MODES } from './usage-import.ts';
import { WriteQueue } from './write-queue.ts';

const KB = 1024;
/**
 * Segment: 32 KB per single call, 500 KB per batch. PostHog's /batch/ takes up to 20 MB; posthog-js
 * sends small batches to /e/, read whole (its key is inside the events), so its limit is lower.
 */
const LIMITS = {
  single: 32 * KB,
  batch: 500 * KB,
  posthog: 20 * 1024 * KB,
  posthogJs: 5 * 1024 * KB,
} as const;

type Format = { kind: 'segment'; single?: EventType } | { kind: 'posthog' } | { kind: 'posthog-js' };

/** analytics.js's short paths (analytics-next posts to `<apiHost>/t` with apiHost `<host>/v1`). */
const SEGMENT_SHORT = { t: 'track', i: 'identify', p: 'page', g: 'group', s: 'screen', a: 'alias' } as const;
const withSlash = (paths: string[]) => paths.flatMap((p) => [p, `${p}/`]);
/** posthog-js's event endpoints (and /capture/, one event): the key may be each event's properties.token. */
const POSTHOG_JS_PATHS = withSlash(['/e', '/i/v0/e', '/engage', '/track', '/capture']);

/**
 * Every tracking path, for CORS: browsers call them cross-origin from the customer's site, with a
 * Basic header or a JSON content type that forces a preflight.
 */
export const TRACKING_PATHS = [
  '/v1/batch',
  '/v1/import',
  ...['track', 'identify', 'group', 'page', 'screen', 'alias'].map((t) => `/v1/${t}`),
  ...Object.keys(SEGMENT_SHORT).map((k) => `/v1/${k}`),
  '/v1/b',
  '/v1/m',
  '/v1/projects/:writeKey/settings',
  ...withSlash(['/batch', '/s', '/flags', '/decide']),
  ...POSTHOG_JS_PATHS,
  '/array/:token/config',
  '/array/:token/config.js',
  ...withSlash(['/sourceConfig', '/beacon/v1/batch']),
];

/**
 * CORS for the tracking routes: a preflight is answered 204 with the request's Origin echoed,
 * credentials allowed (posthog-js and RudderStack send cookies-mode requests) and the headers
 * the SDK asked for; every answer, errors included, carries the Origin so the SDK can read it.
 * A request whose body was not read to its end (refused early) closes its connection.
 */
const trackingCors = async (c: Context, next: () => Promise<void>) => {
  const origin = c.req.header('origin');
  if (c.req.method === 'OPTIONS') {
    const headers = new Headers({
      'Access-Control-Allow-Origin': origin ?? '*',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers':
        c.req.header('access-control-request-headers') ??
        'Authorization, Content-Type, Content-Encoding, X-Retry-Count, AnonymousId',
      'Access-Control-Max-Age': '86400',
      Vary: 'Origin, Access-Control-Request-Headers',
    });
    if (origin) headers.set('Access-Control-Allow-Credentials', 'true');
    return new Response(null, { status: 204, headers });
  }
  await next();
  if (origin) {
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.set('Access-Control-Allow-Credentials', 'true');
    c.res.headers.set('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
    c.res.headers.append('Vary', 'Origin');
  }
  if (c.req.method === 'POST' && !bodyWasRead(c.req.raw)) c.res.headers.set('Connection', 'close');
};

/**
 * The tracking endpoints, at the server root so official clients need only a host: Segment's
 * /v1/{batch,track,identify,group,page,screen,alias} and analytics.js's short paths, posthog-node's
 * /batch/ and /capture/ and posthog-js's /e/, RudderStack's browser SDK (/v1/*, /beacon/v1/batch),
 * and the configuration the browser SDKs load (sdk-config.ts).
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
  for (const path of TRACKING_PATHS) app.use(path, trackingCors);

  const handler = (format: Format) => async (c: Context) => {
    sdkLocale(c);
    const limit =
      format.kind === 'posthog'
        ? LIMITS.posthog
        : format.kind === 'posthog-js'
          ? LIMITS.posthogJs
          : format.single
            ? LIMITS.single
            : LIMITS.batch;
    const refuse = () => tooLarge(limit, format.kind !== 'segment');
    // A browser's request carries its Origin: its clock is a client's, skew-corrected with sentAt.
    const fromBrowser = c.req.header('origin') !== undefined;
    const query = c.req.query();
    const compression = query.compression;
    // authenticate, before the body: a header key (Basic, or RudderStack's beacon's ?writeKey=) is
    // checked before any of it is read; otherwise the body's key is checked as the read reaches it,
    // and a bad or missing one ends the read.
    let workspace: WorkspaceRef | undefined;
    const headerKey = writeKeyFromHeader(c.req.header('authorization')) ?? query.writeKey;
    if (headerKey) workspace = authenticated(await authenticate(headerKey));

    let candidates: Candidate[];
    if (format.kind === 'posthog-js') {
      // posthog-js: the token is in each event's properties, so the body is read whole first.
      const bytes = await readBodyBytes(c.req.raw, {
        limit,
        tooLarge: refuse,
        gzip: compression === 'gzip-js',
      });
      const body = decodePosthogBody(bytes, compression);
      const outer: Record<string, unknown> = isObject(body) ? body : {};
      const list: unknown[] = Array.isArray(body)
        ? body
        : Array.isArray(outer.batch)
          ? outer.batch
          : isObject(body)
            ? [body]
            : [];
      if (!workspace) {
        const first = isObject(list[0]) && isObject(list[0].properties) ? list[0].properties : {};
        const key = outer.api_key ?? outer.token ?? first.token ?? query.token ?? query.api_key;
        workspace = authenticated(await authenticate(typeof key === 'string' ? key : undefined));
      }
      // posthog-js's `_` query parameter is the time it sent the request (ms): PostHog's sent_at.
      const sentAt =
        outer.sent_at ??
        (query._ && /^\d+$/.test(query._) ? new Date(Number(query._)).toISOString() : undefined);
      candidates = list.map((m) => clientSide(fromPosthog(m, { ...outer, sent_at: sentAt }), fromBrowser));
    } else {
      const body = await readJsonBody(c.req.raw, {
        limit,
        tooLarge: refuse,
        gzip: compression === 'gzip-js',
        onKey: workspace
          ? undefined
          : {
              fields: WRITE_KEY_FIELDS,
              check: async (key) => {
                workspace = authenticated(await authenticate(key));
              },
              missing: () => new AppError('unauthenticated', authFailureMessage('missing_write_key')),
            },
      });
      if (format.kind === 'segment') {
        if (format.single) candidates = [fromSegment({ ...body, type: format.single })];
        else if (Array.isArray(body.batch)) candidates = body.batch.map((m: unknown) => fromSegment(m, body));
        else throw new AppError('bad_request', msg('ingest.error.batchArray'));
      } else if (Array.isArray(body.batch)) {
        candidates = body.batch.map((m: unknown) => fromPosthog(m, body));
      } else {
        throw new AppError('bad_request', msg('ingest.error.batchArray'));
      }
      candidates = candidates.map((cand) => clientSide(cand, fromBrowser));
    }
    if (!workspace) throw new AppError('unauthenticated', authFailureMessage('missing_write_key'));
    const ctx = systemCtx(deps, workspace, 'ingest');
    const result = await queue.submit({ ctx, candidates, receivedAt: deps.now() });
    return c.json({
      success: true,
      // posthog-js reads `status: 1` as success.
      ...(format.kind === 'posthog-js' ? { status: 1 } : {}),
      accepted: result.accepted,
      duplicates: result.duplicates,
      pending: result.pending,
      rejected: result.rejected.length,
      errors: result.rejected,
    });
  };

  // The size limits are enforced by readBodyBytes while it streams, after the header key's check.
  app.post('/v1/batch', handler({ kind: 'segment' }));
  app.post('/v1/b', handler({ kind: 'segment' }));
  app.post('/v1/import', handler({ kind: 'segment' }));
  for (const type of ['track', 'identify', 'group', 'page', 'screen', 'alias'] as const) {
    app.post(`/v1/${type}`, handler({ kind: 'segment', single: type }));
  }
  for (const [short, type] of Object.entries(SEGMENT_SHORT)) {
    app.post(`/v1/${short}`, handler({ kind: 'segment', single: type }));
  }
  for (const path of withSlash(['/beacon/v1/batch'])) app.post(path, handler({ kind: 'segment' }));
  for (const path of withSlash(['/batch'])) app.post(path, handler({ kind: 'posthog' }));
  for (const path of POSTHOG_JS_PATHS) app.post(path, handler({ kind: 'posthog-js' }));
  app.route('/', sdkConfigRoutes(authenticate));
  return app;
}

/** A browser's request, or a client-side library by its name: its timestamps are skew-corrected. */
const clientSide = (c: Candidate, fromBrowser: boolean): Candidate =>
  fromBrowser && !c.clientSide ? { ...c, clientSide: true } : c;

// Segment's clients treat 400 as "do not retry" (right for an oversized batch); posthog-node
// halves its batch on 413.
const tooLarge = (max: number, posthog: boolean) =>
  new AppError(
    posthog ? 'payload_too_large' : 'bad_request',
    msg('ingest.error.bodyTooLarge', { size: `${max / KB} KB` }),
  );

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
        'mode=daily (or a column mapped to count): day, event, count per account (accountExternalId, or contractExternalId joined to its account), each row stored as one aggregate event (its count and its property totals); mode=events: one row per event with timestamp, and userId or anonymousId (without them, an account-level event). Columns mapped to prop.<name> become event properties. Rows go through the tracking pipeline; re-importing the same file stores nothing twice. All rows or none unless skipInvalid=true; dryRun=true reports without writing.',
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
            events: z.number().openapi({ description: 'Events stored: a daily row is one aggregate' }),
            occurrences: z.number().openapi({ description: "The sum of the daily rows' counts" }),
            duplicates: z.number(),
            errors: z.array(RowErrorSchema),
            repeatedIds: z.array(RowErrorSchema).openapi({
              description: 'Rows whose id repeats an earlier row of the file, with the line repeated',
            }),
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
