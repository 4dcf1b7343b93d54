import { createRoute } from '@hono/zod-openapi';
import { crud } from '../../server/crud.ts';
import { createRouter, ERRORS, IdParam, json, jsonBody } from '../../server/env.ts';
import { AccountHealth, getAccountHealth } from './account-health.ts';
import { Calibration, CalibrationQuery, getHealthCalibration } from './calibration.ts';
import { FitWeights, FitWeightsQuery, fitHealthWeights } from './fit-weights.ts';
import { getAccountHealthHistory, HealthHistory, HealthHistoryQuery } from './health-history.ts';
import {
  CopyHealthModel,
  CreateHealthModel,
  HealthModel,
  UpdateHealthModel,
} from './health-model.schemas.ts';
import {
  copyHealthModel,
  createHealthModel,
  deleteHealthModel,
  getHealthModel,
  HealthModelPreview,
  listHealthModels,
  PreviewHealthModel,
  previewHealthModel,
  updateHealthModel,
} from './health-models.ts';
import { RecordSentiment, recordSentiment } from './record-sentiment.ts';
import { SentimentOut } from './sentiments.ts';

/** Health models (settings), each account's health and its explanation, sentiment, calibration. */
export function healthRoutes() {
  const app = createRouter();
  const tags = ['Health'];

  crud(app, {
    path: '/health-models',
    tag: 'Health',
    plural: 'health models',
    schema: HealthModel,
    create: CreateHealthModel,
    update: UpdateHealthModel,
    verbs: {
      list: listHealthModels,
      create: createHealthModel,
      get: getHealthModel,
      update: updateHealthModel,
      remove: deleteHealthModel,
    },
    what: 'health model by id or key (changes: managers and admins; models are tried by position, the first whose selector matches scores the account, and the built-in default `default` scores every account none matches; every component must read a numeric fact. Editing `default` stores the workspace’s edit of it, deleting it returns to the model built from the metrics)',
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/health-models/{id}/copy',
      tags,
      summary: 'Copy a model (the built-in default included) into a new stored model',
      description:
        'Same dimensions, bands, sentiment and hysteresis under a new key; placed before the built-in default unless a position is given, with no selector unless one is given. Managers and admins.',
      request: { params: IdParam, body: jsonBody(CopyHealthModel) },
      responses: { 201: json(HealthModel, 'The copy'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await copyHealthModel({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/health-models/preview',
      tags,
      summary:
        'Score every account with a model that is not saved: status distribution and who would change status',
      description:
        'Uses today’s facts. Only this model is applied; accounts its selector does not match are counted as unmatched. Changes compare with each account’s current status. Managers and admins.',
      request: { body: jsonBody(PreviewHealthModel) },
      responses: { 200: json(HealthModelPreview, 'The preview'), ...ERRORS },
    }),
    async (c) => c.json(await previewHealthModel({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/health',
      tags,
      summary:
        "An account's health: score, status band, each component's contribution, what moved it over 7 days, trend, sentiment",
      description:
        'From the last daily recompute (computed live when there is none from the last two days). Each component has its raw fact value, its 0-100 normalised value, its effective weight and its contribution in points; contributions add up to the score.',
      request: { params: IdParam },
      responses: { 200: json(AccountHealth, 'The health'), ...ERRORS },
    }),
    async (c) =>
      c.json(await getAccountHealth({ ctx: c.get('ctx'), accountId: c.req.valid('param').id }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/health/history',
      tags,
      summary: "An account's daily health score and status between two days (default: the last 90)",
      request: { params: IdParam, query: HealthHistoryQuery },
      responses: { 200: json(HealthHistory, 'The history'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await getAccountHealthHistory({
          ctx: c.get('ctx'),
          accountId: c.req.valid('param').id,
          input: c.req.valid('query'),
        }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/accounts/{id}/sentiment',
      tags,
      summary: "Record a CSM's sentiment about the account, 1 (at risk) to 5 (delighted), with the reason",
      description:
        'Counts in the health score from the next recompute until it expires (the model’s expiresAfterDays). Anyone who may write notes on the account.',
      request: { params: IdParam, body: jsonBody(RecordSentiment) },
      responses: { 201: json(SentimentOut, 'Recorded'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await recordSentiment({
          ctx: c.get('ctx'),
          accountId: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health/calibration',
      tags,
      summary:
        'Band thresholds proposed from the scores of accounts that renewed, and a backtest against churn',
      description:
        'For each contract that ended renewed/expanded/downgraded or churned, the stored score `daysBefore` days before its end. Proposes each band’s minimum at a percentile of the renewed scores, and reports ROC-AUC (renewed vs churned) and the precision and recall of the lowest band for churn, with the current and proposed bands. The proposal is fitted on the same outcomes it is tested on.',
      request: { query: CalibrationQuery },
      responses: { 200: json(Calibration, 'The calibration'), ...ERRORS },
    }),
    async (c) => c.json(await getHealthCalibration({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health/fit-weights',
      tags,
      summary: 'Component weights proposed from renewal outcomes, with the backtest before and after',
      description:
        'For each contract that ended renewed/expanded/downgraded or churned, the stored snapshot of the model `daysBefore` days before its end (point in time). An L2 logistic regression of churn on the components’ 0-100 values gives each component a share in proportion to how much it protects against churn. Reports ROC-AUC and the lowest band’s precision and recall with the current and proposed weights on the same outcomes, and a cross-validated AUC (grouped by account, ordered in time). Apply by sending `proposed.dimensions` to PATCH /health-models/{id}.',
      request: { query: FitWeightsQuery },
      responses: { 200: json(FitWeights, 'The proposal'), ...ERRORS },
    }),
    async (c) => c.json(await fitHealthWeights({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  return app;
}
