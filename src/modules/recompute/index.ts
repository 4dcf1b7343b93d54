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
