import { createRoute } from '@hono/zod-openapi';
import { createRouter, ERRORS, IdParam, json, jsonBody } from '../../server/env.ts';
import { getModelCard, rankRisks, renderCard } from './card.ts';
import { AccountRisk, ChurnModelCard, RankedRisks, RiskListQuery, TrainChurn } from './churn.schemas.ts';
import { getAccountRisk } from './risk.ts';
import { retrainChurnModel } from './worker.ts';

/** The churn model: train, read its card, rank accounts by ARR at risk, one account's risk. */
export function churnRoutes() {
  const app = createRouter();
  const tags = ['Churn'];
  app.openapi(
    createRoute({
      method: 'post',
      path: '/churn/train',
      tags,
      summary:
        'Train the churn model now on the stored history (point in time), store the version, return its card',
      description:
        'For every contract that ended at least 30 days ago (renewed, expanded, downgraded, churned, or still active after the term) and each horizon (30, 60, 90, 180 days before the end), the account facts as of that day. L2 logistic regression and a random forest, each with Platt calibration, cross-validated in time order and grouped by account (the better ROC-AUC is kept unless `model` names one), beside the health score and usage decline on the same samples. A horizon is not published when it has too few outcomes or its AUC interval includes 0.5.',
      request: { body: jsonBody(TrainChurn) },
      responses: { 200: json(ChurnModelCard, 'The new model card'), ...ERRORS },
    }),
    async (c) => {
      const ctx = c.get('ctx');
      const card = await retrainChurnModel({ ctx, input: c.req.valid('json') });
      return c.json(await renderCard(ctx, card), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/churn/model',
      tags,
      summary:
        'The current churn model card: published or why not, metrics with 95% intervals, baselines, drivers',
      responses: { 200: json(ChurnModelCard, 'The model card'), ...ERRORS },
    }),
    async (c) => c.json(await getModelCard({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/churn/accounts',
      tags,
      summary: 'Accounts ranked by ARR at risk (churn probability × ARR), with their top drivers',
      request: { query: RiskListQuery },
      responses: { 200: json(RankedRisks, 'The ranking'), ...ERRORS },
    }),
    async (c) => c.json(await rankRisks({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/risk',
      tags,
      summary: "An account's churn probability by the model's horizon and its top drivers",
      description:
        'Drivers are exact: each is the fact’s share of the calibrated log-odds (the linear model’s own terms against the average account; TreeSHAP for the forest), so they add up with the base rate to the probability. Null probability with a reason when no model is published.',
      request: { params: IdParam },
      responses: { 200: json(AccountRisk, 'The risk'), ...ERRORS },
    }),
    async (c) => c.json(await getAccountRisk({ ctx: c.get('ctx'), accountId: c.req.valid('param').id }), 200),
  );
  return app;
}
