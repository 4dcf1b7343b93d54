export { accountListState } from './account-list-state.ts';
export { stagesReadingFacts } from './fact-users.ts';
export { lifecycleRoutes } from './lifecycle.routes.ts';
export type { LoadedStage } from './lifecycle.ts';
export {
  CreateLifecycleStage,
  clearStageOverride,
  createLifecycleStage,
  deleteLifecycleStage,
  getLifecycleStage,
  installDefaultStages,
  LifecycleStage,
  listLifecycleStages,
  loadStages,
  SetStageOverride,
  setStageOverride,
  UpdateLifecycleStage,
  updateLifecycleStage,
} from './lifecycle.ts';
export { PreviewLifecycleStages, previewLifecycleStages, StagesPreview } from './preview.ts';
export type { StageRule, StageTemplate } from './stages.ts';
export { assignStage, DEFAULT_STAGES, STAGE_LABELS } from './stages.ts';
