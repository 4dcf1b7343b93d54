export type { Backtest, Classification, OutcomeSample } from './calibrate.ts';
export { backtest, classifyChurn, defaultPercentiles, proposeBands, quantile, rocAuc } from './calibrate.ts';
export { DEFAULT_MODEL_ID, defaultHealthModel } from './default-model.ts';
export { healthRoutes } from './health.routes.ts';
export {
  AccountHealth,
  Calibration,
  CalibrationQuery,
  getAccountHealth,
  getAccountHealthHistory,
  getHealthCalibration,
  HealthHistoryQuery,
  RecordSentiment,
  recordSentiment,
} from './health.ts';
export type { HealthModelSpec } from './model.ts';
export {
  CreateHealthModel,
  DEFAULT_BANDS,
  Dimension,
  HealthModel,
  SENTIMENT_FACT,
  StatusBand,
  UpdateHealthModel,
} from './model.ts';
export type { ScoringModel } from './models.ts';
export {
  createHealthModel,
  deleteHealthModel,
  getHealthModel,
  listHealthModels,
  loadHealthModels,
  PreviewHealthModel,
  previewHealthModel,
  updateHealthModel,
} from './models.ts';
export type { AccountScore, LoadedSentiment, ScoreAllOptions, Sentiment, StoredScore } from './pipeline.ts';
export {
  computeHealthTrends,
  loadScoresAsOf,
  loadScoreValuesAsOf,
  loadSentiments,
  prepareScoring,
  scoreAll,
  writeHealthScores,
} from './pipeline.ts';
export { scoredSnapshotsSince } from './score-series.ts';
export type {
  Explanation,
  HealthScore,
  Movement,
  Population,
  ScoredComponent,
  SentimentInput,
} from './scoring.ts';
export { explain, normalise, populationOf, scoreAccount, statusOf } from './scoring.ts';
