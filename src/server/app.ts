import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import type { FactUsers } from '../fact-users.ts';
import { DEFAULT_LOCALE, localeFromHeader, msg, render } from '../i18n/index.ts';
import { withRequestLocale } from '../i18n/request-locale.ts';
import { accountsRoutes, importRoutes } from '../modules/accounts/index.ts';
import { authRoutes, publicAuthRoutes } from '../modules/auth/index.ts';
import {
  automationRoutes,
  INBOUND_WEBHOOK_PATH,
  rulesReadingFacts,
  subscriptionsRoutes,
} from '../modules/automation/index.ts';
import { bulkRoutes } from '../modules/bulk/index.ts';
import { churnRoutes } from '../modules/churn/index.ts';
import { expansionRoutes } from '../modules/expansion/index.ts';
import { factsRoutes } from '../modules/facts/index.ts';
import { familiesRoutes } from '../modules/families/index.ts';
import { healthModelsReadingFacts, healthRoutes, loadHealthModels } from '../modules/health/index.ts';
import { ingestApiRoutes, ingestRoutes } from '../modules/ingest/index.ts';
import { accountListState, lifecycleRoutes, stagesReadingFacts } from '../modules/lifecycle/index.ts';
import { metricsRoutes } from '../modules/metrics/index.ts';
import { notificationsRoutes } from '../modules/notifications/index.ts';
import { plansRoutes } from '../modules/plans/index.ts';
import { qbrRoutes } from '../modules/qbr/index.ts';
import { recomputeDays, recomputeRoutes } from '../modules/recompute/index.ts';
import { renewalsRoutes } from '../modules/renewals/index.ts';
import { reportsRoutes } from '../modules/reports/index.ts';
import { requestsRoutes } from '../modules/requests/index.ts';
import { searchRoutes } from '../modules/search/index.ts';
import { segmentsReadingFacts, segmentsRoutes } from '../modules/segments/index.ts';
import { stateRoutes } from '../modules/state/index.ts';
import { supportRoutes, TICKET_WEBHOOK_PATH } from '../modules/support/index.ts';
import { surveyPageRoutes, surveysRoutes } from '../modules/surveys/index.ts';
import { tasksRoutes } from '../modules/tasks/index.ts';
import { resolveReadAccess, teamRoutes } from '../modules/team/index.ts';
import { viewsRoutes } from '../modules/views/index.ts';
import { today } from '../time.ts';
import { authenticate } from './auth-middleware.ts';
import { compressResponses } from './compress.ts';
import { demoStatusRoutes } from './demo-status.ts';
import { mountDocs } from './docs.ts';
import type { AppEnv } from './env.ts';
import { errorBody, sendError, toAppError } from './errors.ts';
import { fairLoad } from './fair-load.ts';
import { heavyPool } from './heavy-pool.ts';
import { rejectUnstorableText } from './input-text.ts';
import { replicaReads } from './read-replica.ts';
import { ALL_ROLES, type NodeRoles } from './roles.ts';
import { securityHeaders } from './security-headers.ts';
import { mountWeb } from './web.ts';

/** JSON bodies above this are refused with 413; CSV imports have their own, larger limit. */
export const API_BODY_LIMIT = 1024 * 1024;
export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

/**
 * Builds the HTTP app without listening, so tests call `app.request()` in-process. `roles` picks
 * what this process answers (server/roles.ts): the API and web app, the tracking endpoints, or both;
 * /healthz always. `inHeavyWorker`: the app inside a heavy-read process (heavy-pool.ts), which
 * answers what the main thread's fair-load limits already let through.
 */
export function createApp(
  deps: Deps,
  { inHeavyWorker = false, roles = ALL_ROLES }: { inHeavyWorker?: boolean; roles?: NodeRoles } = {},
) {
  const app = new OpenAPIHono<AppEnv>();
  // Our own id for every request. A client's X-Request-Id is kept beside it (clientRequestId, in
  // the audit log), never used as ours: a client could reuse another request's id.
  app.use('*', async (c, next) => {
    const id = randomUUID();
    c.set('requestId', id);
    const sent = c.req.header('x-request-id');
    if (sent && sent.length <= 200 && /^[\w\-=.:]+$/.test(sent)) c.set('clientRequestId', sent);
    c.header('X-Request-Id', id);
    const locale = localeFromHeader(c.req.header('accept-language')) ?? DEFAULT_LOCALE;
    c.set('locale', locale);
    // zod's messages (and anything else without a Ctx) read the reader's locale from here.
    await withRequestLocale(locale, next);
  });
  app.use('*', securityHeaders());
  // API answers (JSON, CSV exports, the docs) above 2 KB go out brotli or gzip; the tracking
  // endpoints' small answers and the web app's files (the build's own copies, web.ts) are not here.
  app.use('/api/*', compressResponses());

  app.onError((error, c) => sendError(c, toAppError(error, deps.logger, c.get('requestId'))));
  app.notFound((c) =>
    c.json(
      errorBody(
        c,
        'not_found',
        render(
          c.get('locale'),
          msg('error.noRoute', { method: c.req.method, path: new URL(c.req.url).pathname }),
        ),
      ),
      404,
    ),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // Tracking endpoints at the root (/v1/batch, /batch/), with their own size limits and write keys.
  if (roles.has('ingest')) app.route('/', ingestRoutes(deps));
  if (!roles.has('api')) return app;

  const tooLarge = (limit: number) =>
    bodyLimit({
      maxSize: limit,
      onError: () => {
        throw new AppError(
          'payload_too_large',
          msg('ingest.error.bodyTooLarge', { size: `${limit / 1024 / 1024} MB` }),
        );
      },
    });
  // Heavy reads of a credential already refused are refused again before authentication (fair-load.ts).
  const fair = inHeavyWorker ? undefined : fairLoad(deps.config, heavyPool(deps));
  if (fair) app.use('/api/v1/*', fair.early);
  app.use('/api/v1/imports/*', tooLarge(IMPORT_BODY_LIMIT));
  app.use('/api/v1/*', async (c, next) =>
    c.req.path.startsWith('/api/v1/imports/') ? next() : tooLarge(API_BODY_LIMIT)(c, next),
  );
  app.use('/api/v1/*', rejectUnstorableText);

  const api = new OpenAPIHono<AppEnv>();
  api.route('/', publicAuthRoutes(deps));
  api.route('/', demoStatusRoutes());
  api.use('*', async (c, next) => {
    const path = c.req.path;
    if (
      path === '/api/v1/openapi.json' ||
      path === '/api/v1/auth/login' ||
      path === '/api/v1/auth/logout' ||
      path === '/api/v1/demo/status'
    ) {
      return next();
    }
    // A rule's inbound webhook authenticates with the rule's secret, not a user (automation routes).
    if (c.req.method === 'POST' && INBOUND_WEBHOOK_PATH.test(path)) return next();
    // The ticket webhook takes a tracking write key (the route checks it) or, as Bearer, an API token.
    if (
      c.req.method === 'POST' &&
      path === TICKET_WEBHOOK_PATH &&
      !/^Bearer\s/i.test(c.req.header('authorization') ?? '')
    )
      return next();
    return authenticate(deps)(c, next);
  });
  // Record-level read access, resolved once per request (accounts' readableAccounts applies it).
  api.use('*', async (c, next) => {
    const ctx = c.get('ctx');
    if (ctx) c.set('ctx', { ...ctx, readAccess: await resolveReadAccess(ctx) });
    await next();
  });
  // After authentication: heavy reads are counted per user and workspace (429 beyond the limits)
  // and answered by the heavy-read processes.
  if (fair) api.use('*', fair.limit);
  // Lists, reports and analytics read the replica when there is one (DATABASE_READ_URL); a heavy
  // one does so in its worker, whose deps open the same replica.
  api.use('*', replicaReads(deps));
  api.route('/', authRoutes());
  // Before accountsRoutes: /accounts/bulk is not an account id.
  api.route('/', bulkRoutes());
  // Metrics and custom fields read by a stored definition cannot be deleted: the modules that store
  // conditions say who reads a fact.
  const factUsers: FactUsers = async (ctx, reads) =>
    (
      await Promise.all(
        [segmentsReadingFacts, stagesReadingFacts, rulesReadingFacts, healthModelsReadingFacts].map((find) =>
          find(ctx, reads),
        ),
      )
    ).flat();
  api.route('/', accountsRoutes({ state: accountListState, factUsers }));
  // Before importRoutes: /imports/usage must win over /imports/{entity}.
  api.route('/', ingestApiRoutes());
  api.route('/', supportRoutes(deps));
  api.route('/', importRoutes());
  api.route('/', metricsRoutes({ factUsers }));
  api.route('/', factsRoutes());
  api.route('/', recomputeRoutes());
  // The summary names each status band; the bands are health's, which reads state (not the reverse).
  api.route(
    '/',
    stateRoutes({ statusBands: async (ctx) => (await loadHealthModels(ctx)).flatMap((m) => m.bands) }),
  );
  api.route('/', segmentsRoutes({ computeMembership: (ctx) => recomputeDays(ctx, [today(ctx)]) }));
  api.route('/', lifecycleRoutes());
  api.route('/', healthRoutes());
  api.route('/', automationRoutes(deps));
  api.route('/', subscriptionsRoutes());
  api.route('/', tasksRoutes());
  api.route('/', notificationsRoutes());
  api.route('/', requestsRoutes());
  api.route('/', teamRoutes());
  api.route('/', renewalsRoutes());
  api.route('/', churnRoutes());
  api.route('/', reportsRoutes());
  api.route('/', viewsRoutes());
  api.route('/', plansRoutes());
  api.route('/', expansionRoutes());
  api.route('/', familiesRoutes());
  api.route('/', searchRoutes());
  api.route('/', surveysRoutes());
  api.route('/', qbrRoutes());

  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token from POST /api/v1/tokens',
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: 'steward_session',
    description:
      'The session cookie set by POST /api/v1/auth/login; writes also need the x-csrf-token header',
  });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Steward API',
      version: '1',
      description:
        'Customer success platform API. Errors are always `{ "error": { "code", "message", "details"?, "requestId" } }`; lists are `{ "items", "nextCursor" }`.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
  });
  app.route('/api/v1', api);
  // The survey page emailed links open: no sign-in, the single-use token is the credential.
  app.route('/', surveyPageRoutes(deps));

  mountDocs(app as never);
  // The web app at `/` (SPA fallback to index.html); without a build, `/` redirects to the docs.
  mountWeb(app as never);
  return app;
}

export type App = ReturnType<typeof createApp>;
