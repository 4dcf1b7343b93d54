import { createRoute } from '@hono/zod-openapi';
import { createRouter, ERRORS, json } from '../../server/env.ts';
import { getScorecards, ScorecardQuery, Scorecards } from './scorecards.ts';
import { StageJourney, StageJourneyQuery, stageJourney } from './stage-journey.ts';

export function reportsRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/reports/scorecards',
      tags: ['Reports'],
      summary: 'CSM and group scorecards for a period: outcome and process metrics and a weighted score',
      description:
        'Seed 003: outcome (renewal rate by count and ARR, NRR, NPS when an `nps` account field exists, expansion ARR) and process (touches per account vs the tier cadence in team settings, tasks done on time, danger accounts with an open plan, health held or improved), each turned into a 0-1 part; score = outcomeWeight x outcome + (1 - outcomeWeight) x process (default 60/40). Managers and admins see every CSM and group; a CSM sees only their own card; viewers none.',
      request: { query: ScorecardQuery },
      responses: { 200: json(Scorecards, 'The cards'), ...ERRORS },
    }),
    async (c) => c.json(await getScorecards({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/reports/stages',
      tags: ['Reports'],
      summary:
        'Accounts per lifecycle stage in journey order (onboarding to expansion, churned last), for everyone or one owner',
      description:
        'The journey order of the default stages (seed 004), not the order their rules are tried; a stage the workspace added keeps its rule order among the others, before churned.',
      request: { query: StageJourneyQuery },
      responses: { 200: json(StageJourney, 'Stages and counts'), ...ERRORS },
    }),
    async (c) => c.json(await stageJourney({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  return app;
}
