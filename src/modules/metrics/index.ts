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
  MetricWithRebuild,
  UpdateFeature,
  UpdateMetric,
  updateFeature,
  updateMetric,
} from './definitions.ts';
export { METRIC_FACTS, metricFacts } from './metric-facts.ts';
export { metricsRoutes } from './metrics.routes.ts';
export { lastPositiveDays } from './reads.ts';
export { rebuildRollupsJob, runRollupRebuilds } from './rebuild-job.ts';
export { RollupRebuild } from './rebuild-queue.ts';
export type { RollupEvent } from './rollups.ts';
export { ACTIVITY_TYPES, applyRollups, rebuildRollups } from './rollups.ts';
