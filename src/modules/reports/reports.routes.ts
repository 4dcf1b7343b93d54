import { createRoute } from '@hono/zod-openapi';
import { createRouter, ERRORS, json } from '../../server/env.ts';
import {
  getScorecardDetail,
  getScorecards,
  ScorecardDetail,
  ScorecardDetailQuery,
  ScorecardQuery,
  Scorecards,
} from './scorecards.ts';
import { StageJourney, StageJourneyQuery, stageJourney } from './stage-journey.ts';
import { getTeamOverview, TeamOverview, TeamOverviewQuery } from './team-overview.ts';

export function reportsRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/reports/scorecards',
      tags: ['Reports'],
      summary: 'CSM and group scorecards for a period: outcome and process metrics and a weighted score',
      description:
        'Seed 003: outcome (renewal rate by count and ARR, NRR, NPS of the period’s survey answers, expansion ARR) and process (touches per account vs the tier cadence in team settings, tasks done on time, danger accounts with an open plan, health held or improved), each turned into a 0-1 part; score = outcomeWeight x outcome + (1 - outcomeWeight) x process (default 60/40). Managers and admins see every CSM and group; a CSM sees only their own card; viewers none.',
      request: { query: ScorecardQuery },
      responses: { 200: json(Scorecards, 'The cards'), ...ERRORS },
    }),
    async (c) => c.json(await getScorecards({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/reports/scorecards/detail',
      tags: ['Reports'],
      summary: 'The accounts and tasks behind one CSM’s or group’s scorecard for a period (drill-down)',
      description:
        'Per account: renewals due, closed and won (count and ARR), ARR at the start and end of the period, expansion, touches against the cadence, health at both ends, danger and an open save plan. Tasks: those assigned to the people measured and due in the period, with whether each was done on time (the latest 1,000; `tasksTotal` counts all). Scoped as the cards: a CSM only their own, a manager the people of the groups they may read.',
      request: { query: ScorecardDetailQuery },
      responses: { 200: json(ScorecardDetail, 'The accounts and tasks'), ...ERRORS },
    }),
    async (c) => c.json(await getScorecardDetail({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/reports/team-overview',
      tags: ['Reports'],
      summary:
        'The manager’s workbench: CSMs side by side (health mix, renewals at risk, tasks, touches vs cadence) and health over time by tier',
      description:
        '`groupId`: a group, `mine` (the groups the caller leads or belongs to; the default when there are any) or `all`. Renewals: open ones ending in the next 90 days (or overdue up to 90 days); at risk: forecast category `at_risk`. Health over time: the mean score per tier (today’s tier) at weekly points. Managers and admins; every figure from the accounts the caller may read.',
      request: { query: TeamOverviewQuery },
      responses: { 200: json(TeamOverview, 'The overview'), ...ERRORS },
    }),
    async (c) => c.json(await getTeamOverview({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
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
