// The values a workspace-wide rank is taken among: a metric's 30-day totals for its percentile, the
// RFM recency, frequency and ARR for their quintiles. A build of every account has them and ranks
// within itself; today's full recompute keeps them here. A build of some accounts (one account's
// facts, risk or family on Account 360) ranks its own live values against the kept ones of its day
// instead of reading every account again: 2.2 s -> ~50 ms a call at 20,000 accounts. Without kept
// values for the day (no full pass yet, a new metric) it reads the workspace as before. As the
// incremental recompute does, ranks follow the last full pass: an hour at most behind.
import type { Ctx } from '../../context.ts';
import { nowIso } from '../../time.ts';

/** Ranked fact -> every account's value, sorted ascending. */
export type Populations = Map<string, Float64Array>;

/** Writes a full recompute's populations of `day` (the previous ones of each key are replaced). */
export async function keepPopulations(ctx: Ctx, day: string, populations: Populations): Promise<void> {
  const computedAt = nowIso(ctx);
  for (const [key, values] of populations) {
    const row = {
      workspace_id: ctx.workspace.id,
      key,
      day,
      computed_at: computedAt,
      values: JSON.stringify(Array.from(values)),
    };
    await ctx.db
      .insertInto('fact_populations')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'key'])
          .doUpdateSet({ day: row.day, computed_at: row.computed_at, values: row.values }),
      )
      .execute();
  }
}

/** Every population kept as of `day` (one read for a build, whichever ranks it asks for). */
export async function keptPopulations(ctx: Ctx, day: string): Promise<Populations> {
  const rows = await ctx.db
    .selectFrom('fact_populations')
    .select(['key', 'values'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('day', '=', day)
    .execute();
  return new Map(rows.map((r) => [r.key, Float64Array.from(JSON.parse(r.values) as number[])]));
}
