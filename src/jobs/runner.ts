import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { Deps } from '../context.ts';

export type JobResult = Record<string, unknown> | undefined;
export type JobDefinition = {
  name: string;
  /** Cron pattern (croner syntax; 6 fields allow seconds), read in the configured time zone. */
  cron: string;
  description: string;
  /** Must be idempotent and work in bounded batches: a slot may be retried after a crash. */
  handler: (deps: Deps, slot: Date) => Promise<JobResult>;
};

export const defaultNode = () => `${hostname()}:${process.pid}`;

/**
 * Runs `job` for `slot` unless another node already claimed that slot. The claim is the insert of
 * the run id (job@slot) into job_runs, whose primary key makes exactly one concurrent insert win on
 * both engines. Returns whether this node ran it.
 */
export async function runJobSlot(deps: Deps, job: JobDefinition, slot: Date, node: string): Promise<boolean> {
  const runId = `${job.name}@${slot.toISOString()}`;
  const claimed = await deps.db
    .insertInto('job_runs')
    .values({
      run_id: runId,
      job: job.name,
      slot: slot.toISOString(),
      node,
      status: 'running',
      result: null,
      error: null,
      started_at: deps.now().toISOString(),
      finished_at: null,
    })
    .onConflict((oc) => oc.column('run_id').doNothing())
    .returning('run_id')
    .executeTakeFirst();
  if (!claimed) return false;
  try {
    const result = await job.handler(deps, slot);
    await finish(deps, runId, 'succeeded', result === undefined ? null : JSON.stringify(result), null);
    deps.logger.info({ job: job.name, slot, result }, 'job finished');
  } catch (error) {
    await finish(deps, runId, 'failed', null, String((error as Error)?.stack ?? error));
    deps.logger.error({ job: job.name, slot, err: error }, 'job failed');
  }
  return true;
}

async function finish(
  deps: Deps,
  runId: string,
  status: string,
  result: string | null,
  error: string | null,
) {
  await deps.db
    .updateTable('job_runs')
    .set({ status, result, error, finished_at: deps.now().toISOString() })
    .where('run_id', '=', runId)
    .execute();
}

/**
 * Starts every job on its cron. Any number of processes may do this against one database: each tick
 * is keyed by the job's scheduled time (not the wall clock of the node), so all nodes name a tick
 * alike and only the first claim runs it.
 */
export function startScheduler(deps: Deps, jobs: readonly JobDefinition[], node = defaultNode()) {
  const crons = jobs.map(
    (job) =>
      new Cron(
        job.cron,
        // croner keeps named jobs in one registry per process: the node keeps names unique when
        // several schedulers share a process (tests, embedded use).
        { timezone: deps.config.timeZone, protect: true, name: `${job.name}@${node}` },
        async (self: Cron) => {
          // The scheduled instant of this tick, even if the timer fired late: the latest run at or
          // before now (croner never fires early; previousRuns excludes a run equal to the reference,
          // hence the 1 ms). A reference a whole second ahead named per-second ticks after the next one.
          const slot = self.previousRuns(1, new Date(Date.now() + 1))[0] ?? new Date();
          try {
            await runJobSlot(deps, job, slot, node);
          } catch (error) {
            deps.logger.error({ job: job.name, err: error }, 'job could not be claimed');
          }
        },
      ),
  );
  return {
    stop: () => {
      for (const c of crons) c.stop();
    },
  };
}
