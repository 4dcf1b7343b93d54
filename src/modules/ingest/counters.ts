import type { Ctx } from '../../context.ts';

/** Adds to the workspace's ingest counters (accepted, duplicate, pending, attached, rejected:<reason>). */
export async function bumpCounters(ctx: Ctx, counts: Record<string, number>) {
  const rows = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([counter, value]) => ({ workspace_id: ctx.workspace.id, counter, value }));
  if (rows.length === 0) return;
  await ctx.db
    .insertInto('ingest_counters')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'counter'])
        .doUpdateSet((eb) => ({ value: eb(eb.ref('ingest_counters.value'), '+', eb.ref('excluded.value')) })),
    )
    .execute();
}
