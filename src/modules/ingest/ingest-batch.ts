// The ingest pipeline as built: authenticate (per request, in the route, before the body is read),
// then the batch steps below, run in this order by runSteps over the events of one transaction.
import { accountsChanged } from '../../account-changes.ts';
import { type Ctx, inTransaction } from '../../context.ts';
import { bumpCounters } from './counters.ts';
import type { Candidate } from './normalize.ts';
import { loadIngestSettings } from './settings.ts';
import { dedupStep } from './steps/dedup.ts';
import { resolveIdentityStep } from './steps/resolve-identity.ts';
import type { BatchEnv, BatchStep, Dropped, DropReason, EventTag, Tagged } from './steps/result.ts';
import { rollupsStep } from './steps/rollups.ts';
import { validateStep } from './steps/validate.ts';
import { writeStep } from './steps/write.ts';
import type { JobOutcome } from './write-queue.ts';

/** A typed chain of steps: each step's input is the previous one's output. */
class Steps<In, Out> {
  private constructor(readonly list: readonly BatchStep<unknown, unknown>[]) {}
  static from<I, O>(step: BatchStep<I, O>) {
    return new Steps<I, O>([step as BatchStep<unknown, unknown>]);
  }
  next<Next>(step: BatchStep<Out, Next>): Steps<In, Next> {
    return new Steps<In, Next>([...this.list, step as BatchStep<unknown, unknown>]);
  }
  get names() {
    return this.list.map((s) => s.name);
  }
}

export const BATCH_STEPS = Steps.from(validateStep)
  .next(dedupStep)
  .next(resolveIdentityStep)
  .next(writeStep)
  .next(rollupsStep);

/** Every step of the pipeline, in order; `authenticate` runs in the route (steps/authenticate.ts). */
export const STEPS = ['authenticate', ...BATCH_STEPS.names] as const;

/**
 * One turn of the event loop between steps. better-sqlite3 answers synchronously, so without these
 * a group of a few thousand events would run as one stretch and the server would neither accept
 * connections nor read requests until it commits (a 10 s p99 under 50 connections).
 */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the steps in order; an event dropped by one step goes no further and is recorded in env.
 * Every step runs even when no event is left: write stores the rejections.
 */
async function runSteps<In, Out>(
  steps: Steps<In, Out>,
  env: BatchEnv,
  events: Tagged<In>[],
): Promise<Tagged<Out>[]> {
  let current: Tagged<unknown>[] = events;
  for (const step of steps.list) {
    const results = await step.run(env, current);
    const next: Tagged<unknown>[] = [];
    results.forEach((r, i) => {
      const tag = current[i]!.tag;
      if (r.ok) next.push({ tag, value: r.value });
      else env.dropped.push({ tag, reason: r.reason, detail: r.detail });
    });
    current = next;
    // Between database steps, not after the last (the commit follows at once).
    if (!step.pure && step !== steps.list.at(-1)) await turn();
  }
  return current as Tagged<Out>[];
}

export type BatchResult = {
  accepted: number;
  /** Occurrences the accepted events stand for (a daily usage aggregate counts its count). */
  occurrences: number;
  duplicates: number;
  pending: number;
  rejected: { index: number; reason: DropReason; detail: string }[];
};

type Incoming = { candidates: Candidate[]; receivedAt: Date };

/**
 * Runs a batch through the steps. Everything the batch changes (events, dedup ids, identities,
 * accounts and contacts from group/identify, rollups, rejected events and counters) commits in one
 * transaction, so a 2xx means all of it is durable and a failure leaves nothing behind for the
 * client's retry to collide with.
 */
export async function ingestBatch(ctx: Ctx, candidates: Candidate[], receivedAt: Date): Promise<BatchResult> {
  return (await ingestBatchesOfWorkspace(ctx, [{ candidates, receivedAt }]))[0]!;
}

/**
 * Several batches of one workspace as one run of the steps: each event keeps its batch, so each
 * batch gets its own result (a messageId in two of them counts for the first). Per-run fixed work
 * (settings, definitions, one statement per table) is paid once.
 */
async function ingestBatchesOfWorkspace(ctx: Ctx, batches: Incoming[]): Promise<BatchResult[]> {
  return inTransaction(ctx, async (tx) => {
    const env: BatchEnv = { tx, settings: await loadIngestSettings(tx), dropped: [], counts: {} };
    const events: Tagged<Candidate>[] = batches.flatMap(({ candidates, receivedAt }, batch) =>
      candidates.map((value, index) => ({ tag: { batch, index, raw: value.raw, receivedAt }, value })),
    );
    const stored = await runSteps(BATCH_STEPS, env, events);
    await bumpCounters(tx, env.counts);
    await accountsChanged(
      tx,
      stored.flatMap((e) => (e.value.accountId ? [e.value.accountId] : [])),
      'events',
    );
    return batches.map((_, b) => resultOf(b, stored, env.dropped));
  });
}

function resultOf(
  batch: number,
  stored: Tagged<{ accountId: string | null; count: number }>[],
  dropped: Dropped[],
): BatchResult {
  const mine = stored.filter((e) => e.tag.batch === batch);
  const drops = dropped.filter((d) => d.tag.batch === batch);
  const byIndex = (a: { tag: EventTag }, b: { tag: EventTag }) => a.tag.index - b.tag.index;
  return {
    accepted: mine.length,
    occurrences: mine.reduce((n, e) => n + e.value.count, 0),
    duplicates: drops.filter((d) => d.reason === 'duplicate').length,
    pending: mine.filter((e) => e.value.accountId === null).length,
    rejected: drops
      .filter((d) => d.reason !== 'duplicate')
      .sort(byIndex)
      .map((d) => ({ index: d.tag.index, reason: d.reason, detail: d.detail })),
  };
}

export type BatchJob = { ctx: Ctx; candidates: Candidate[]; receivedAt: Date };

/**
 * Group commit: the batches of several requests in one transaction, those of one workspace merged
 * into one run of the steps (each still validated, deduped and answered on its own). For batches
 * of ~100 events the per-batch fixed work and the commit are most of the cost: hot pages of the
 * indexes and rollups go to the WAL once per commit, PostgreSQL flushes its WAL once. Every batch is
 * answered only after the shared commit, so a 2xx still means durable. If the shared transaction
 * fails, each batch is retried alone, so one bad batch cannot fail the others.
 */
export async function ingestBatches(jobs: BatchJob[]): Promise<JobOutcome<BatchResult>[]> {
  const alone = async (j: BatchJob): Promise<JobOutcome<BatchResult>> => {
    try {
      return { ok: true, value: await ingestBatch(j.ctx, j.candidates, j.receivedAt) };
    } catch (error) {
      return { ok: false, error };
    }
  };
  if (jobs.length === 1) return [await alone(jobs[0]!)];
  const byWorkspace = new Map<string, number[]>();
  jobs.forEach((j, i) => {
    const list = byWorkspace.get(j.ctx.workspace.id);
    if (list) list.push(i);
    else byWorkspace.set(j.ctx.workspace.id, [i]);
  });
  try {
    return await jobs[0]!.ctx.db.transaction().execute(async (trx) => {
      const outcomes: JobOutcome<BatchResult>[] = new Array(jobs.length);
      for (const indexes of byWorkspace.values()) {
        const first = jobs[indexes[0]!]!;
        const results = await ingestBatchesOfWorkspace(
          { ...first.ctx, db: trx },
          indexes.map((i) => jobs[i]!),
        );
        indexes.forEach((i, k) => {
          outcomes[i] = { ok: true, value: results[k]! };
        });
        await turn();
      }
      return outcomes;
    });
  } catch {
    const outcomes: JobOutcome<BatchResult>[] = [];
    for (const j of jobs) outcomes.push(await alone(j));
    return outcomes;
  }
}
