export {
  type AccountMetrics,
  getAccountMetricSeries,
  getAccountMetrics,
  getAccountUsers,
  getMetricPercentile,
  getSegmentMetricSeries,
  summaryWindows,
} from './analytics.ts';
export {
  CreateFeature,
  CreateMetric,
  createFeature,
  createMetric,
  deleteFeature,
  deleteMetric,
  Feature,
  getFeature,
  getMetric,
  listFeatures,
  listMetrics,
  loadFeatures,
  loadMetrics,
  MetricDefinition,
  UpdateFeature,
  UpdateMetric,
  updateFeature,
  updateMetric,
} from './definitions.ts';
export { metricsRoutes } from './metrics.routes.ts';
export { lastPositiveDays } from './reads.ts';
export type { RollupEvent } from './rollups.ts';
export { ACTIVITY_TYPES, applyRollups, rebuildRollups } from './rollups.ts';
