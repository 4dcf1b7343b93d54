export { reportsRoutes } from './reports.routes.ts';
export { combine, expectedTouches, TARGETS } from './scorecard.ts';
export { getScorecards, keepScorecards, ScorecardQuery, Scorecards } from './scorecards.ts';
export { JOURNEY, journeyOrder, StageJourney, stageJourney } from './stage-journey.ts';
