export { type EncodedColumn, type Encoder, encodeRows, type FeatureRow, fitEncoder } from './encode.ts';
export { type Fold, groupedFolds } from './folds.ts';
export {
  crossValidate,
  type Dataset,
  type Driver,
  explainRow,
  type GlobalDriver,
  globalDrivers,
  type Metrics,
  predict,
  scoreMetrics,
  type TrainedModel,
  trainModel,
} from './model.ts';
export { evaluateSnapshot, type SnapshotEvaluation, snapshotDataset } from './snapshot.ts';
