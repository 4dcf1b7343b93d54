export { expansionRoutes } from './expansion.routes.ts';
export type { OpportunitiesTable } from './expansion.table.ts';
export {
  CreateOpportunity,
  createOpportunity,
  listAccountOpportunities,
  OPPORTUNITY_KINDS,
  OPPORTUNITY_STAGES,
  Opportunity,
  opportunitiesClosing,
  STAGE_PROBABILITY,
  updateOpportunity,
} from './expansion.ts';
export {
  EXPANSION_SIGNALS,
  type ExpansionSignal,
  expansionFacts,
  expansionSignals,
  SEATS_SIGNAL_BREADTH,
  USAGE_GROWTH_SIGNAL,
} from './expansion-facts.ts';
