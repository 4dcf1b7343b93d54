export { accountListState, accountsMatching } from './account-matching.ts';
export { BodyChecker, loadCatalogueMap } from './compile.ts';
export type { Band, CompositePart, SegmentRule, TieringRules, TierRule } from './rules.ts';
export {
  assignTier,
  bandLabel,
  bandRules,
  COMPOSITE_SEPARATOR,
  compareText,
  compositeLabel,
  evaluateSegments,
  schemeTiers,
} from './rules.ts';
export type { LoadedScheme } from './schemes.ts';
export {
  clearTierOverride,
  createTieringScheme,
  deleteTieringScheme,
  getTieringScheme,
  installDefaultScheme,
  listTieringSchemes,
  loadActiveScheme,
  previewTieringScheme,
  setTierOverride,
  updateTieringScheme,
} from './schemes.ts';
export { segmentsRoutes } from './segments.routes.ts';
export {
  ConditionInput,
  ConditionJson,
  CreateSegment,
  CreateTieringScheme,
  Day,
  Key,
  ListPage,
  Name,
  PreviewSegment,
  PreviewTieringScheme,
  Reason,
  Segment,
  SetTierOverride,
  TieringScheme,
  UpdateSegment,
  UpdateTieringScheme,
} from './segments.schemas.ts';
export type { LoadedSegment } from './segments.ts';
export {
  createSegment,
  deleteSegment,
  getSegment,
  listSegmentMembers,
  listSegments,
  loadSegments,
  previewSegment,
  updateSegment,
  updateSegmentMembership,
} from './segments.ts';
export type { SchemeTemplate } from './templates.ts';
export {
  ACTIVE_USER_BANDS,
  ARR_BANDS,
  DEFAULT_SCHEME,
  MIXED_SIZE_BANDS,
  SCHEME_TEMPLATES,
  TIER_LABELS,
} from './templates.ts';
