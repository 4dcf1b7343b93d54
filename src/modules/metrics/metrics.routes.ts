import { createRoute, z } from '@hono/zod-openapi';
import type { FactUsers } from '../../fact-users.ts';
import { crud } from '../../server/crud.ts';
import { createRouter, ERRORS, IdParam, json } from '../../server/env.ts';
import {
  AccountMetrics,
  AccountSeries,
  AccountUsers,
  AccountUsersQuery,
  getAccountMetricSeries,
  getAccountMetrics,
  getAccountUsers,
  getMetricPercentile,
  getSegmentMetricSeries,
  Percentile,
  PercentileQuery,
  SegmentSeries,
  SegmentSeriesQuery,
  SeriesQuery,
} from './analytics.ts';
import {
  CreateFeature,
  CreateMetric,
  createFeature,
  createMetric,
  deleteFeature,
  deleteMetric,
  FeatureWithRebuild,
  getFeature,
  getMetric,
  listFeatures,
  listMetrics,
  MetricWithRebuild,
  rebuildMetric,
  UpdateFeature,
  UpdateMetric,
  updateFeature,
  updateMetric,
} from './definitions.ts';

const param = (name: string, description: string) =>
  z
    .string()
    .min(1)
    .openapi({ param: { name, in: 'path' }, description });
const MetricParam = z.object({ metric: param('metric', 'A metric id or key') });
const AccountMetricParams = z.object({
  id: param('id', 'An account id'),
  metric: param('metric', 'A metric id or key'),
});

/** Metric and feature definitions (settings) and the usage analytics read from their rollups. */
/** `factUsers`: who reads a metric's facts (composed in app.ts from the modules that store conditions). */
export function metricsRoutes({ factUsers }: { factUsers?: FactUsers } = {}) {
  const app = createRouter();
  const tags = ['Metrics'];

  // Changes queue the rebuild of the definition's rollups from stored events (definitions are
  // retroactive); `rebuild` on each metric and feature shows its state.
  crud(app, {
    path: '/metrics',
    tag: 'Metrics',
    plural: 'metrics',
    schema: MetricWithRebuild,
    create: CreateMetric,
    update: UpdateMetric,
    verbs: {
      list: listMetrics,
      create: createMetric,
      get: getMetric,
      update: updateMetric,
      remove: ({ ctx, id }) => deleteMetric({ ctx, id, factUsers }),
    },
    what: 'metric by id or key (changes: managers and admins; count, distinct_users, sum or max of named events, filtered by properties)',
  });
  crud(app, {
    path: '/features',
    tag: 'Metrics',
    plural: 'features',
    schema: FeatureWithRebuild,
    create: CreateFeature,
    update: UpdateFeature,
    verbs: {
      list: listFeatures,
      create: createFeature,
      get: getFeature,
      update: updateFeature,
      remove: deleteFeature,
    },
    what: 'feature, a named set of events for depth of adoption, by id or key (changes: managers and admins)',
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/metrics/{metric}/rebuild',
      tags,
      summary: "Queue the rebuild of a metric's history from stored events again (managers and admins)",
      description:
        'Creating a metric or changing what it counts queues a rebuild already; this retries one that failed. Its state is the `rebuild` field of the metric.',
      request: { params: MetricParam },
      responses: { 202: json(MetricWithRebuild, 'Queued'), ...ERRORS },
    }),
    async (c) => c.json(await rebuildMetric({ ctx: c.get('ctx'), id: c.req.valid('param').metric }), 202),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/metrics',
      tags,
      summary: "An account's usage: every metric over 7/30/90 days with WoW, MoM and YoY; breadth and depth",
      description:
        'Windows end today in the workspace time zone. Changes are fractions (0.25 = +25%), null when the earlier period is 0. Distinct-user metrics count people over the whole window; max metrics take the largest day.',
      request: { params: IdParam },
      responses: { 200: json(AccountMetrics, 'The summary'), ...ERRORS },
    }),
    async (c) =>
      c.json(await getAccountMetrics({ ctx: c.get('ctx'), accountId: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/metrics/{metric}/series',
      tags,
      summary:
        'One metric of an account by day, week (from Monday) or month, with zeros where nothing happened',
      request: { params: AccountMetricParams, query: SeriesQuery },
      responses: { 200: json(AccountSeries, 'The series'), ...ERRORS },
    }),
    async (c) => {
      const { id, metric } = c.req.valid('param');
      return c.json(
        await getAccountMetricSeries({
          ctx: c.get('ctx'),
          accountId: id,
          metric,
          input: c.req.valid('query'),
        }),
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/users',
      tags,
      summary: "An account's most (top) or least (bottom) active users in a window, with their contact",
      request: { params: IdParam, query: AccountUsersQuery },
      responses: { 200: json(AccountUsers, 'Users'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await getAccountUsers({
          ctx: c.get('ctx'),
          accountId: c.req.valid('param').id,
          input: c.req.valid('query'),
        }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics/{metric}/percentile',
      tags,
      summary: "Where an account's total over a window ranks among accounts (optionally: like it)",
      description:
        'Compares with every account of the workspace, or those matching region/industry/ownerId/tag (the account itself is always included). Accounts with no usage count as 0.',
      request: { params: MetricParam, query: PercentileQuery },
      responses: { 200: json(Percentile, 'The rank'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await getMetricPercentile({
          ctx: c.get('ctx'),
          metric: c.req.valid('param').metric,
          input: c.req.valid('query'),
        }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics/{metric}/series',
      tags,
      summary: 'One metric over a segment of accounts (region, industry, owner, tag) by day, week or month',
      description:
        'Counts and sums add up over the accounts, max takes the largest, distinct users add up each account’s people.',
      request: { params: MetricParam, query: SegmentSeriesQuery },
      responses: { 200: json(SegmentSeries, 'The series'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await getSegmentMetricSeries({
          ctx: c.get('ctx'),
          metric: c.req.valid('param').metric,
          input: c.req.valid('query'),
        }),
        200,
      ),
  );
  return app;
}
