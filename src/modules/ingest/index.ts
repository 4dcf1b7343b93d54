export { attachPending, attachPendingEvents } from './attach-pending.ts';
export { ingestApiRoutes, ingestRoutes } from './ingest.routes.ts';
export { type BatchResult, ingestBatch, ingestBatches, STEPS } from './ingest-batch.ts';
export { attachPendingJob, ensureEventPartitionsJob, pruneRawEventsJob } from './jobs.ts';
export { type Candidate, fromPosthog, fromSegment } from './normalize.ts';
export { DROP_REASONS } from './steps/result.ts';
export type { UsageImportReport, UsageMode } from './usage-import.ts';
export { importUsageCsv, USAGE_FIELDS, USAGE_MODES, UsageImportOptions } from './usage-import.ts';
