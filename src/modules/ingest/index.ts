export { ingestApiRoutes, ingestRoutes } from './ingest.routes.ts';
export { attachPendingJob, ensureEventPartitionsJob, pruneRawEventsJob } from './jobs.ts';
export { type Candidate, fromPosthog, fromSegment } from './normalize.ts';
export { DROP_REASONS, STEPS } from './pipeline.ts';
export type { UsageImportReport, UsageMode } from './usage-import.ts';
export { importUsageCsv, USAGE_FIELDS, USAGE_MODES, UsageImportOptions } from './usage-import.ts';
export { attachPending, type BatchResult, ingestBatch } from './write.ts';
