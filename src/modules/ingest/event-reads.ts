// What other modules may read of the raw events ingest owns: metrics rebuilds its rollups from
// them. This file imports no other ingest file, so metrics (which ingest's write step calls)
// imports it directly without an import cycle.
import type { Ctx } from '../../context.ts';

/** The workspace's events attached to an account, as a query to narrow and aggregate in the database. */
export function attachedEvents(ctx: Pick<Ctx, 'db' | 'workspace'>) {
  return ctx.db
    .selectFrom('events')
    .where('events.workspace_id', '=', ctx.workspace.id)
    .where('events.account_id', 'is not', null);
}

/** The first and last day with an event attached to an account (undefined: none). */
export async function attachedEventDays(
  ctx: Pick<Ctx, 'db' | 'workspace'>,
): Promise<{ first: string; last: string } | undefined> {
  const range = await attachedEvents(ctx)
    .select((eb) => [eb.fn.min('events.day').as('first'), eb.fn.max('events.day').as('last')])
    .executeTakeFirst();
  return range?.first && range.last ? { first: range.first, last: range.last } : undefined;
}

/** The day of the workspace's oldest raw event kept (attached or pending; undefined: none). */
export async function oldestEventDay(ctx: Pick<Ctx, 'db' | 'workspace'>): Promise<string | undefined> {
  const row = await ctx.db
    .selectFrom('events')
    .select((eb) => eb.fn.min('day').as('day'))
    .where('workspace_id', '=', ctx.workspace.id)
    .executeTakeFirst();
  return row?.day ?? undefined;
}
