export { ingestApiRoutes, ingestRoutes } from './ingest.routes.ts';
export { type Candidate, fromPosthog, fromSegment } from './normalize.ts';
export { DROP_REASONS, STEPS } from './pipeline.ts';
export { attachPending, type BatchResult, ingestBatch } from './write.ts';
