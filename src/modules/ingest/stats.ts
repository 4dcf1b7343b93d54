import type { Ctx } from '../../context.ts';
import { authorize } from '../auth/index.ts';
import type { DropReason } from './steps/result.ts';

export async function getIngestStats({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'read');
  const rows = await ctx.db
    .selectFrom('ingest_counters')
    .select(['counter', 'value'])
    .where('workspace_id', '=', ctx.workspace.id)
    .execute();
  const get = (name: string) => Number(rows.find((r) => r.counter === name)?.value ?? 0);
  const rejected: Record<string, number> = {};
  for (const r of rows)
    if (r.counter.startsWith('rejected:')) rejected[r.counter.slice('rejected:'.length)] = Number(r.value);
  // 'pending' counts events stored without an account; 'attached' those later linked to one.
  return {
    accepted: get('accepted'),
    duplicates: get('duplicate'),
    pending: Math.max(0, get('pending') - get('attached')),
    attached: get('attached'),
    rejected,
  };
}

export async function listRejectedEvents({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { reason?: DropReason; cursor?: string; limit: number };
}) {
  await authorize(ctx, 'read');
  let q = ctx.db.selectFrom('rejected_events').selectAll().where('workspace_id', '=', ctx.workspace.id);
  if (input.reason) q = q.where('reason', '=', input.reason);
  if (input.cursor) q = q.where('id', '<', input.cursor);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      reason: r.reason,
      detail: r.detail,
      payload: safeParse(r.payload),
      receivedAt: r.received_at,
    })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
