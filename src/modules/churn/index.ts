export { getModelCard, keepRiskRanking, rankRisks } from './card.ts';
export { churnRoutes } from './churn.routes.ts';
export { type EncodedColumn, type Encoder, encodeRows, type FeatureRow, fitEncoder } from './encode.ts';
export { type Fold, groupedFolds } from './folds.ts';
export { retrainChurnJob } from './jobs.ts';
export { bootstrap } from './metrics.ts';
export {
  crossValidate,
  type Dataset,
  type Driver,
  explainRow,
  type GlobalDriver,
  globalDrivers,
  type Metrics,
  MODEL_KINDS,
  type ModelKind,
  predict,
  scoreMetrics,
  selectModel,
  type TrainedModel,
  trainModel,
} from './model.ts';
export { type ChurnModelCard, loadCurrentModel } from './model-store.ts';
export { getAccountRisk } from './risk.ts';
export { evaluateSnapshot, type SnapshotEvaluation, snapshotDataset } from './snapshot.ts';
export { featureKeys } from './train.ts';
export { buildTrainingSet, HORIZONS, loadDecisions } from './training-set.ts';
export { retrainChurnModel, retrainsInWorkers } from './worker.ts';
