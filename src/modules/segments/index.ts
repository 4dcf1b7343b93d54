export { accountListBase, accountsMatching, tierOrder } from './account-matching.ts';
export { BodyChecker, loadCatalogueMap } from './compile.ts';
export { segmentsReadingFacts } from './fact-users.ts';
export { Label, labelOf, namesOnWrite, tierLabel } from './labels.ts';
export type { Band, SegmentRule, TieringRules, TierRule } from './rules.ts';
export { assignTier, compareText, evaluateSegments, schemeTiers } from './rules.ts';
export {
  installDefaultScheme,
  loadActiveScheme,
  previewTieringScheme,
  setTierOverride,
} from './schemes.ts';
export { segmentsRoutes } from './segments.routes.ts';
export {
  ConditionInput,
  ConditionJson,
  Day,
  Key,
  ListPage,
  Name,
  Reason,
  Segment,
  TieringScheme,
} from './segments.schemas.ts';
export { createSegment, loadSegments, previewSegment, updateSegmentMembership } from './segments.ts';
export { ARR_BANDS } from './templates.ts';
