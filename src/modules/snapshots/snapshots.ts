// Reports kept by the recompute (issue 18): a report that reads the whole workspace (the
// playbooks' effect over 180 days of runs and health snapshots, the Risk page's ranking over every
// account's facts) is computed once after a full pass of today (recompute/keep.ts) and served from
// here, not computed on every request. A kept answer is dropped as soon as what it reads changes
// (dropSnapshots: a full recompute, a rule or playbook run or edit, a churn retrain); a request that
// finds none computes the report itself (and does not write: reports may be read on the replica).
// Each answer is kept per reader scope, so a CSM never sees figures from accounts they may not read.
// The default scorecards are kept as of the pass instead (tasks and touches change them all day):
// served with their `computedAt` until the next hourly pass keeps them again.
import { type Ctx, inTransaction } from '../../context.ts';
import { newId } from '../../ids.ts';
import { nowIso, today } from '../../time.ts';

/** Who the answer was computed for: every account, or the books of these users (ctx.readAccess). */
function snapshotScope(ctx: Ctx): string {
  const access = ctx.readAccess;
  if (!access || access.kind === 'all') return 'all';
  return `users:${[...access.userIds].sort().join(',')}`;
}

/**
 * The caller's ctx reading every account: for an answer kept once for every reader (the ranking,
 * which is the workspace's whatever the reader's book) or computed for readers of every account.
 */
export const forEveryReader = (ctx: Ctx): Ctx => ({ ...ctx, readAccess: undefined });

/** The query as a key: its fields in order, with the workspace's today (defaults move with it). */
function paramsKey(ctx: Ctx, params: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify({ ...sorted, day: today(ctx) });
}

/** The kept answer of `report` for this query and the caller's scope, if there is one. */
export async function readSnapshot<T>(
  ctx: Ctx,
  report: string,
  params: Record<string, unknown>,
): Promise<{ body: T; computedAt: string } | undefined> {
  const row = await ctx.db
    .selectFrom('report_snapshots')
    .select(['body', 'computed_at'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('report', '=', report)
    .where('params', '=', paramsKey(ctx, params))
    .where('scope', '=', snapshotScope(ctx))
    .executeTakeFirst();
  return row && { body: JSON.parse(row.body) as T, computedAt: row.computed_at };
}

/** The scope of the row that marks a report's last drop (its body: a new id at each drop). */
const DROPPED = '#dropped';
/** The report name a drop of every report records. */
const EVERY = '*';

/** The marks of the drops that concern `report`: any drop since changes them (a new id each). */
async function dropMarks(ctx: Ctx, report: string): Promise<string> {
  const rows = await ctx.db
    .selectFrom('report_snapshots')
    .select(['report', 'body'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('report', 'in', [report, EVERY])
    .where('scope', '=', DROPPED)
    .orderBy('report')
    .execute();
  return rows.map((r) => `${r.report}:${r.body}`).join(',');
}

/**
 * Computes `report` for this query and the caller's scope and keeps the answer (replacing the
 * last), unless what it reads changed while it was computed (a drop since it started).
 */
export async function keepSnapshot<T>(
  ctx: Ctx,
  report: string,
  params: Record<string, unknown>,
  compute: () => Promise<T>,
): Promise<{ body: T; computedAt: string }> {
  const computedAt = nowIso(ctx);
  const before = await dropMarks(ctx, report);
  const body = await compute();
  const row = {
    workspace_id: ctx.workspace.id,
    report,
    params: paramsKey(ctx, params),
    scope: snapshotScope(ctx),
    computed_at: computedAt,
    body: JSON.stringify(body),
  };
  await inTransaction(ctx, async (tx) => {
    if ((await dropMarks(tx, report)) !== before) return;
    await tx.db
      .insertInto('report_snapshots')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'report', 'params', 'scope'])
          .doUpdateSet({ computed_at: row.computed_at, body: row.body }),
      )
      .execute();
  });
  return { body, computedAt };
}

/**
 * What the reports read has changed: their kept answers go (every report's when none is named),
 * and a new mark is left, so an answer being computed meanwhile is not kept either.
 */
export async function dropSnapshots(ctx: Ctx, reports: readonly string[] = [EVERY]): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    let query = tx.db.deleteFrom('report_snapshots').where('workspace_id', '=', ctx.workspace.id);
    if (!reports.includes(EVERY)) query = query.where('report', 'in', reports);
    await query.execute();
    await tx.db
      .insertInto('report_snapshots')
      .values(
        reports.map((report) => ({
          workspace_id: ctx.workspace.id,
          report,
          params: '',
          scope: DROPPED,
          computed_at: nowIso(ctx),
          body: newId(),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'report', 'params', 'scope']).doUpdateSet((eb) => ({
          computed_at: eb.ref('excluded.computed_at'),
          body: eb.ref('excluded.body'),
        })),
      )
      .execute();
  });
}
