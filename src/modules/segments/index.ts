export type { AccountStatesQuery, AccountStatesSummaryQuery } from './account-states.ts';
export {
  AccountState,
  AccountStatesSummary,
  accountStateSource,
  listAccountStates,
  summarizeAccountStates,
} from './account-states.ts';
export { BodyChecker, loadCatalogueMap } from './compile.ts';
export { batchEnv, loadAccountFacts, loadCurrentFacts } from './current-facts.ts';
export { changedByLookbacks, type History, loadHistory } from './history.ts';
export type { OverrideInput, OverrideSpec, Overrides } from './overrides.ts';
export { clearStateOverride, listStateChanges, loadOverrides, setStateOverride } from './overrides.ts';
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
  listTierHistory,
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
  type OverrideKind,
  PreviewSegment,
  PreviewTieringScheme,
  Reason,
  Segment,
  SetTierOverride,
  StateChange,
  StateOverride,
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
