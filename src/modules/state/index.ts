export type { AccountStatesQuery, AccountStatesSummaryQuery } from './account-states.ts';
export {
  AccountState,
  AccountStatesSummary,
  accountStateColumns,
  listAccountStates,
  SummaryBand,
  summarizeAccountStates,
} from './account-states.ts';
export type { AppliedStateChanges } from './apply.ts';
export { applyStateChanges } from './apply.ts';
export type { StateAsOf } from './as-of.ts';
export { latestComputedDay, loadStatesAsOf } from './as-of.ts';
export type { ChangeKind, DayChange, DayState, KnownState } from './compare.ts';
export { CHANGE_KINDS, changesOnDay, replayChanges } from './compare.ts';
export type { OverrideInput, OverrideSpec, Overrides } from './overrides.ts';
export {
  accountsOverriddenTo,
  clearStateOverride,
  listAccountOverrides,
  listStageHistory,
  listStateChanges,
  listTierHistory,
  loadOverrides,
  setStateOverride,
} from './overrides.ts';
export type { CurrentState, StateChangeRow } from './reads.ts';
export { accountIdsWithState, firstStateDay, loadCurrentStates, stateChangesBetween } from './reads.ts';
export { stateRoutes } from './state.routes.ts';
export { ListPage, OVERRIDE_KINDS, type OverrideKind, StateChange, StateOverride } from './state.schemas.ts';
