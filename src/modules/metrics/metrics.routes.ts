import { createRoute, z } from '@hono/zod-openapi';
import {
  CONFLICT,
  createRouter,
  ERRORS,
  IdParam,
  json,
  jsonBody,
  listOf,
  NO_CONTENT,
} from '../../server/env.ts';
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
  Feature,
  getFeature,
  getMetric,
  listFeatures,
  listMetrics,
  MetricDefinition,
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
export function metricsRoutes() {
  const app = createRouter();
  const tags = ['Metrics'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags,
      summary: 'Metric definitions',
      responses: { 200: json(listOf(MetricDefinition), 'Definitions'), ...ERRORS },
    }),
    async (c) => c.json(await listMetrics({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/metrics',
      tags,
      summary: 'Define a metric (managers and admins); it counts the events already stored too',
      description:
        'count, distinct_users, sum or max of events with these names, optionally filtered by properties (eq, neq, in: numbers compare as numbers, strings and booleans as text; gt/gte/lt/lte need a JSON number; exists).',
      request: { body: jsonBody(CreateMetric) },
      responses: { 201: json(MetricDefinition, 'Created'), ...ERRORS, ...CONFLICT },
    }),
    async (c) => c.json(await createMetric({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics/{id}',
      tags,
      summary: 'One metric definition, by id or key',
      request: { params: IdParam },
      responses: { 200: json(MetricDefinition, 'The metric'), ...ERRORS },
    }),
    async (c) => c.json(await getMetric({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/metrics/{id}',
      tags,
      summary: 'Change a metric (managers and admins); its rollups are recomputed from stored events',
      request: { params: IdParam, body: jsonBody(UpdateMetric) },
      responses: { 200: json(MetricDefinition, 'Updated'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updateMetric({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/metrics/{id}',
      tags,
      summary: 'Delete a metric and its rollups (managers and admins)',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteMetric({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/features',
      tags,
      summary: 'Feature definitions (for depth of adoption)',
      responses: { 200: json(listOf(Feature), 'Definitions'), ...ERRORS },
    }),
    async (c) => c.json(await listFeatures({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/features',
      tags,
      summary: 'Define a feature as a set of event names (managers and admins)',
      request: { body: jsonBody(CreateFeature) },
      responses: { 201: json(Feature, 'Created'), ...ERRORS, ...CONFLICT },
    }),
    async (c) => c.json(await createFeature({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/features/{id}',
      tags,
      summary: 'One feature definition, by id or key',
      request: { params: IdParam },
      responses: { 200: json(Feature, 'The feature'), ...ERRORS },
    }),
    async (c) => c.json(await getFeature({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/features/{id}',
      tags,
      summary: 'Change a feature (managers and admins); its rollups are recomputed',
      request: { params: IdParam, body: jsonBody(UpdateFeature) },
      responses: { 200: json(Feature, 'Updated'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updateFeature({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/features/{id}',
      tags,
      summary: 'Delete a feature and its rollups (managers and admins)',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteFeature({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
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
