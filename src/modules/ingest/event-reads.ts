// What other modules may read of the raw events ingest owns: metrics rebuilds its rollups from
// them. This file imports no other ingest file, so metrics (which ingest's write step calls)
// imports it directly without an import cycle.
import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';

/**
 * The workspace's events attached to an account, as a query to narrow and aggregate in the database.
 * `scan`: on SQLite, read the table in storage order instead of through an index (the unary plus
 * keeps the planner off workspace_id's indexes). Reading most of a large table through an index
 * fetches each row at random: a grouped read of 2 million events took 6.1 s of CPU that way and
 * 2.6 s as a scan (bench:rollups), so a caller reading most of the table asks for the scan.
 */
export function attachedEvents(
  ctx: Pick<Ctx, 'db' | 'workspace'>,
  options: { scan?: boolean; engine?: Ctx['engine'] } = {},
) {
  if (options.scan && options.engine === 'sqlite') {
    return ctx.db
      .selectFrom('events')
      .where((eb) => eb(sql`+${eb.ref('events.workspace_id')}`, '=', ctx.workspace.id))
      .where((eb) => eb(sql`+${eb.ref('events.account_id')}`, 'is not', null));
  }
  return ctx.db
    .selectFrom('events')
    .where('events.workspace_id', '=', ctx.workspace.id)
    .where('events.account_id', 'is not', null);
}

/** SQLite: how many rows the events table holds, about (its largest rowid; deletes leave gaps). */
export async function sqliteEventsTableSize(ctx: Pick<Ctx, 'db'>): Promise<number> {
  const { rows } = await sql<{ n: number | null }>`select max(rowid) as n from events`.execute(ctx.db);
  return Number(rows[0]?.n ?? 0);
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

/**
 * How many of the workspace's events (attached or pending) fall in a range of days. It reads only
 * the (workspace, day) index: counting attached events only would fetch every row for its account.
 */
export async function eventsInDays(
  ctx: Pick<Ctx, 'db' | 'workspace'>,
  range: { from?: string; to?: string },
): Promise<number> {
  const row = await ctx.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', ctx.workspace.id)
    .$if(range.from !== undefined, (q) => q.where('day', '>=', range.from!))
    .$if(range.to !== undefined, (q) => q.where('day', '<=', range.to!))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
