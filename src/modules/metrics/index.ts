export {
  CreateFeature,
  CreateMetric,
  createFeature,
  createMetric,
  Feature,
  loadFeatures,
  loadMetrics,
  MetricDefinition,
} from './definitions.ts';
export type { RollupEvent } from './rollups.ts';
export { ACTIVITY_TYPES, applyRollups, rebuildRollups } from './rollups.ts';
