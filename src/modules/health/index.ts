export { AccountHealth, getAccountHealth } from './account-health.ts';
export { Calibration, CalibrationQuery, getHealthCalibration } from './calibration.ts';
export type { Backtest, Classification, OutcomeSample } from './calibration-maths.ts';
export {
  backtest,
  classifyChurn,
  defaultPercentiles,
  proposeBands,
  quantile,
  rocAuc,
} from './calibration-maths.ts';
export { DEFAULT_MODEL_ID, defaultHealthModel } from './default-model.ts';
export { healthModelsReadingFacts } from './fact-users.ts';
export { FitWeights, FitWeightsQuery, fitHealthWeights } from './fit-weights.ts';
export { healthRoutes } from './health.routes.ts';
export { getAccountHealthHistory, HealthHistoryQuery } from './health-history.ts';
export type { HealthModelSpec } from './health-model.schemas.ts';
export {
  CopyHealthModel,
  CreateHealthModel,
  DEFAULT_BANDS,
  Dimension,
  HealthModel,
  SENTIMENT_FACT,
  StatusBand,
  UpdateHealthModel,
} from './health-model.schemas.ts';
export type { ScoringModel } from './health-models.ts';
export {
  copyHealthModel,
  createHealthModel,
  deleteHealthModel,
  getHealthModel,
  listHealthModels,
  loadCatalogueMap,
  loadHealthModels,
  PreviewHealthModel,
  previewHealthModel,
  updateHealthModel,
} from './health-models.ts';
export { RecordSentiment, recordSentiment } from './record-sentiment.ts';
export type { AccountScore, ScoreAllOptions } from './score-batch.ts';
export { prepareScoring, scoreAll } from './score-batch.ts';
export type {
  Explanation,
  HealthScore,
  Movement,
  Population,
  ScoredComponent,
  SentimentInput,
} from './score-maths.ts';
export {
  explain,
  normalise,
  populationOf,
  scoreAccount,
  statusOf,
  statusWithHysteresis,
} from './score-maths.ts';
export { scoredSnapshotsSince } from './score-series.ts';
export type { LoadedSentiment, Sentiment } from './sentiments.ts';
export { loadSentiments, sentimentsRecordedBetween } from './sentiments.ts';
export type { StoredScore } from './snapshots.ts';
export {
  computeHealthTrends,
  loadScoresAsOf,
  loadScoreValuesAsOf,
  trendOf,
  writeHealthScores,
} from './snapshots.ts';
