// What the browser SDKs load before they send anything, answered by Steward so they run unchanged
// against it: analytics.js's settings (its cdnURL is Steward), posthog-js's remote config and
// feature flags (none), RudderStack's source config. Each names the tracking host back to the SDK.
import { type Context, Hono } from 'hono';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { drainBody, readBodyBytes, sdkLocale } from './request-body.ts';
import { authenticated, type createAuthenticator, writeKeyFromHeader } from './steps/authenticate.ts';

const KB = 1024;

/** The scheme and host the SDK reached Steward at (a reverse proxy's X-Forwarded-* first). */
function publicOrigin(c: Context): { protocol: string; host: string } {
  const url = new URL(c.req.url);
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
  const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim() ?? c.req.header('host') ?? url.host;
  return { protocol: proto || url.protocol.replace(':', ''), host };
}

/** posthog-js's remote config: nothing but capture (no recordings, surveys, toolbar or flags). */
const posthogConfig = (token: string) => ({
  token,
  supportedCompression: ['gzip', 'gzip-js'],
  hasFeatureFlags: false,
  captureDeadClicks: false,
  capturePerformance: false,
  autocapture_opt_out: false,
  autocaptureExceptions: false,
  analytics: { endpoint: '/e/' },
  elementsChainAsString: true,
  sessionRecording: false,
  heatmaps: false,
  surveys: false,
  defaultIdentifiedOnly: true,
  siteApps: [],
});

export function sdkConfigRoutes(authenticate: ReturnType<typeof createAuthenticator>) {
  const app = new Hono();
  const known = async (c: Context, key: string | undefined) => {
    sdkLocale(c);
    const result = await authenticate(key);
    if (!result.ok)
      throw new AppError(
        'not_found',
        msg('ingest.error.noSource', { key: key ?? msg('ingest.error.noKey') }),
      );
    return authenticated(result);
  };

  // analytics.js (analytics-next) loads `${cdnURL}/v1/projects/<writeKey>/settings`; its Segment.io
  // destination then posts to `${protocol}://${apiHost}/t` (and /i, /p, /g, /s, /a, or /b batched).
  app.get('/v1/projects/:writeKey/settings', async (c) => {
    const writeKey = c.req.param('writeKey');
    await known(c, writeKey);
    const { protocol, host } = publicOrigin(c);
    const apiHost = `${host}/v1`;
    c.header('Cache-Control', 'no-store');
    return c.json({
      integrations: {
        'Segment.io': {
          apiKey: writeKey,
          apiHost,
          protocol,
          unbundledIntegrations: [],
          addBundledMetadata: true,
          maybeBundledConfigIds: {},
        },
      },
      plan: {
        track: { __default: { enabled: true, integrations: {} } },
        identify: { __default: { enabled: true } },
        group: { __default: { enabled: true } },
      },
      edgeFunction: {},
      analyticsNextEnabled: true,
      middlewareSettings: {},
      enabledMiddleware: {},
      // No client metrics: they would go to /v1/m, which Steward accepts and ignores anyway.
      metrics: { sampleRate: 0, host: apiHost },
      legacyVideoPluginsEnabled: false,
      remotePlugins: [],
    });
  });
  // analytics.js's own delivery metrics: accepted and ignored.
  app.post('/v1/m', async (c) => {
    await drainBody(c.req.raw, 64 * KB);
    return c.json({ success: true });
  });

  // posthog-js: remote config (JSON, and the script form the snippet loads), flags, recordings.
  app.get('/array/:token/config', async (c) => {
    const token = c.req.param('token');
    await known(c, token);
    return c.json(posthogConfig(token));
  });
  app.get('/array/:token/config.js', async (c) => {
    const token = c.req.param('token');
    await known(c, token);
    const config = JSON.stringify({ config: posthogConfig(token), siteApps: [] });
    c.header('Content-Type', 'application/javascript; charset=utf-8');
    return c.body(
      `(function(){window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{};window._POSTHOG_REMOTE_CONFIG[${JSON.stringify(token)}]=${config};})();`,
    );
  });
  // No feature flags: every flag is off, and the client logs no error. The body (a token and a
  // distinct id) is read and not kept.
  const flags = async (c: Context) => {
    await readBodyBytes(c.req.raw, {
      limit: 64 * KB,
      tooLarge: () => new AppError('payload_too_large', msg('ingest.error.bodyTooLarge', { size: '64 KB' })),
    }).catch(() => undefined);
    return c.json({
      flags: {},
      featureFlags: {},
      featureFlagPayloads: {},
      errorsWhileComputingFlags: false,
      quotaLimited: [],
      requestId: c.get('requestId' as never) ?? null,
      config: { enable_collect_everything: true },
      supportedCompression: ['gzip', 'gzip-js'],
      sessionRecording: false,
      surveys: false,
      heatmaps: false,
      siteApps: [],
      toolbarParams: {},
      isAuthenticated: false,
    });
  };
  for (const path of ['/flags', '/flags/', '/decide', '/decide/']) {
    app.post(path, flags);
    app.get(path, flags);
  }
  // Session recordings are not Steward's business: accepted and ignored.
  for (const path of ['/s', '/s/']) {
    app.post(path, async (c) => {
      await drainBody(c.req.raw, 20 * 1024 * KB);
      return c.json({ status: 1 });
    });
  }

  // RudderStack's JavaScript SDK loads `${configUrl}/sourceConfig/?writeKey=…` (Basic auth) and
  // will not load without a source that has an id, a config object and a destinations array.
  const sourceConfig = async (c: Context) => {
    const writeKey = writeKeyFromHeader(c.req.header('authorization')) ?? c.req.query('writeKey');
    const workspace = await known(c, writeKey);
    c.header('Cache-Control', 'no-store');
    return c.json({
      isHosted: false,
      source: {
        id: workspace.id,
        name: 'Steward',
        writeKey,
        enabled: true,
        workspaceId: workspace.id,
        config: {
          statsCollection: { errorReports: { enabled: false }, metrics: { enabled: false } },
        },
        destinations: [],
      },
    });
  };
  app.get('/sourceConfig', sourceConfig);
  app.get('/sourceConfig/', sourceConfig);
  return app;
}
