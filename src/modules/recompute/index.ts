export {
  accountsChanged,
  INCREMENTAL_BATCH,
  incrementalRecomputeEnabled,
  markAccountsDirty,
  recomputeDirty,
  recomputeDirtyJob,
} from './dirty.ts';
export { clearDirtyMarks } from './dirty-marks.ts';
export { recomputeJob } from './jobs.ts';
export { recomputeRoutes } from './recompute.routes.ts';
export {
  MAX_RECOMPUTE_DAYS,
  RecomputeInput,
  type RecomputeResult,
  recompute,
  recomputeDay,
  recomputeDays,
} from './recompute.ts';
export {
  assignStages,
  assignTiers,
  type DayState,
  evaluateSegments,
  runSteps,
  type StepConfig,
  scoreHealth,
  TREND_LOOKBACKS,
} from './steps.ts';
