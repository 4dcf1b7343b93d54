export { renewalsRoutes } from './renewals.routes.ts';
export { RecordOutcome, Renewal, UpdateRenewal } from './renewals.schemas.ts';
export {
  getRenewal,
  getRenewalWindow,
  listRenewals,
  loadRenewals,
  recordOutcome,
  updateRenewal,
} from './renewals.ts';
export {
  arrBreakdown,
  churnAndExpansion,
  forecastReport,
  loadSpans,
  movementReport,
  retentionReport,
} from './reports.ts';
export type { ContractSpan, Retention } from './revenue.ts';
export { arrAt, CHURN_REASONS, movement, OUTCOMES, RENEWAL_STAGES, retention } from './revenue.ts';
