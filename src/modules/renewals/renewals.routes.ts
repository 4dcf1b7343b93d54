import { createRoute } from '@hono/zod-openapi';
import { CONFLICT, createRouter, ERRORS, IdParam, json, jsonBody, listOf } from '../../server/env.ts';
import {
  ArrBreakdown,
  ArrQuery,
  ChurnQuery,
  ChurnReasonsOut,
  ForecastOut,
  ForecastQuery,
  ListRenewals,
  MovementOut,
  MovementQuery,
  RecordOutcome,
  Renewal,
  RenewalWindow,
  RetentionOut,
  RetentionQuery,
  UpdateRenewal,
  WindowQuery,
} from './renewals.schemas.ts';
import { getRenewal, getRenewalWindow, listRenewals, recordOutcome, updateRenewal } from './renewals.ts';
import {
  arrBreakdown,
  churnAndExpansion,
  forecastReport,
  movementReport,
  retentionReport,
} from './reports.ts';

/** The renewal pipeline (one renewal per contract, by contract id) and revenue reports. */
export function renewalsRoutes() {
  const app = createRouter();
  const tags = ['Renewals'];
  const revenue = ['Revenue'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/renewals',
      tags,
      summary:
        'Renewal pipeline: contracts ending in the next N months (and open ones up to 90 days overdue), by end date',
      description:
        'Each item is a contract up for renewal, with stage (not_started, in_negotiation, committed, renewed, churned, downgraded, expanded), probability (default from health status: excellent 0.9, fair 0.7, danger 0.35, none 0.6; editable with a reason), forecast category, expected and weighted ARR in the base currency, and owner (the account owner unless set). Contracts nobody has worked on appear with defaults.',
      request: { query: ListRenewals },
      responses: { 200: json(listOf(Renewal), 'A page'), ...ERRORS },
    }),
    async (c) => c.json(await listRenewals({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/renewals/window',
      tags,
      summary:
        'The renewal window (default 90 days, seed 004): totals by stage, health risk and forecast category',
      request: { query: WindowQuery },
      responses: { 200: json(RenewalWindow, 'The window'), ...ERRORS },
    }),
    async (c) => c.json(await getRenewalWindow({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/renewals/{id}',
      tags,
      summary: 'The renewal of one contract (by contract id)',
      request: { params: IdParam },
      responses: { 200: json(Renewal, 'The renewal'), ...ERRORS },
    }),
    async (c) => c.json(await getRenewal({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/renewals/{id}',
      tags,
      summary:
        'Work an open renewal: stage, probability or forecast category (with a reason), expected ARR, owner, notes',
      description:
        'A CSM may change renewals of their own accounts. `null` returns probability, category, expected ARR or owner to the default. `expectedCurrency` converts expectedArr at today’s rate. Every change is on the account timeline.',
      request: { params: IdParam, body: jsonBody(UpdateRenewal) },
      responses: { 200: json(Renewal, 'The renewal'), ...ERRORS, ...CONFLICT },
    }),
    async (c) =>
      c.json(
        await updateRenewal({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/renewals/{id}/outcome',
      tags,
      summary:
        'Close a renewal: renewed, expanded or downgraded creates the next contract; churned needs a reason code',
      request: { params: IdParam, body: jsonBody(RecordOutcome) },
      responses: { 200: json(Renewal, 'The closed renewal'), ...ERRORS, ...CONFLICT },
    }),
    async (c) =>
      c.json(
        await recordOutcome({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/revenue/arr',
      tags: revenue,
      summary: 'Current ARR in the base currency by tier, segment, owner (CSM), region or industry',
      request: { query: ArrQuery },
      responses: { 200: json(ArrBreakdown, 'The breakdown'), ...ERRORS },
    }),
    async (c) => c.json(await arrBreakdown({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/revenue/retention',
      tags: revenue,
      summary: 'Gross and net revenue retention (GRR, NRR) per period, overall and by cohort',
      description:
        'For the accounts with ARR the day before each period starts: GRR = (start - contraction - churn) / start, NRR = (start + expansion - contraction - churn) / start, comparing ARR in force at the period’s end (or today). Cohorts group accounts by the year or quarter of their first contract.',
      request: { query: RetentionQuery },
      responses: { 200: json(RetentionOut, 'Rows per period and cohort'), ...ERRORS },
    }),
    async (c) => c.json(await retentionReport({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/revenue/movement',
      tags: revenue,
      summary: 'ARR movement per month: new, expansion, contraction, churn (default: the last 12 months)',
      request: { query: MovementQuery },
      responses: { 200: json(MovementOut, 'Months'), ...ERRORS },
    }),
    async (c) => c.json(await movementReport({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/revenue/forecast',
      tags: revenue,
      summary:
        'Renewal forecast by month: ARR up for renewal, expected and weighted, by health risk and category',
      request: { query: ForecastQuery },
      responses: { 200: json(ForecastOut, 'Months'), ...ERRORS },
    }),
    async (c) => c.json(await forecastReport({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/revenue/churn',
      tags: revenue,
      summary:
        'Churned ARR by reason code, and expansion and downgrade amounts, of contracts ending in a range',
      request: { query: ChurnQuery },
      responses: { 200: json(ChurnReasonsOut, 'The breakdown'), ...ERRORS },
    }),
    async (c) => c.json(await churnAndExpansion({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  return app;
}
