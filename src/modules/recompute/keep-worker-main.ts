import { type WorkspaceJob, withJobCtx, workerJobMain } from '../../worker-job.ts';
import { keepReportsHere } from './keep.ts';

await workerJobMain((job: WorkspaceJob) => withJobCtx(job, keepReportsHere));
