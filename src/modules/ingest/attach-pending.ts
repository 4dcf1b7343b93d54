// Pending events (stored with account_id NULL) whose account is now known: a group call named it
// or linked their user, or the account was created by import or the API. The rollups step attaches
// those its batch's group and alias calls make known; the attach-pending-events job the rest.
import type { Ctx } from '../../context.ts';
import { accountIdsByExternalId } from '../accounts/index.ts';
import { applyRollups, type RollupEvent } from '../metrics/index.ts';
import { bumpCounters } from './counters.ts';
import type { ValidEvent } from './steps/validate.ts';

const RETURNED = [
  'id',
  'account_id',
  'day',
  'type',
  'event_name',
  'user_key',
  'properties',
  'count',
] as const;

type AttachedRow = {
  id: string;
  account_id: string | null;
  day: string;
  type: string;
  event_name: string;
  user_key: string | null;
  properties: string;
  count: number;
};

/** A pending event now attached: its row id (so a batch can tell its own events apart) and rollup. */
export type AttachedEvent = RollupEvent & { id: string };

const toRollupEvent = (r: AttachedRow): AttachedEvent => ({
  id: r.id,
  accountId: r.account_id!,
  day: r.day,
  type: r.type,
  eventName: r.event_name,
  userKey: r.user_key,
  properties: JSON.parse(r.properties),
  count: Number(r.count),
});

/**
 * Attaches the pending events that `events` (a batch's group and alias calls) or, with 'all', any
 * known account or linked user now claims, and returns them for the caller to roll up once.
 */
export async function attachPendingEvents(
  ctx: Ctx,
  events: readonly Pick<ValidEvent, 'type' | 'groupExternalId' | 'userKey' | 'linksGroup'>[] | 'all',
): Promise<AttachedEvent[]> {
  const ws = ctx.workspace.id;
  let groupIds: string[];
  let userKeys: string[];
  if (events === 'all') {
    const groups = await ctx.db
      .selectFrom('events')
      .select('group_external_id')
      .distinct()
      .where('workspace_id', '=', ws)
      .where('account_id', 'is', null)
      .where('group_external_id', 'is not', null)
      .execute();
    groupIds = groups.map((g) => g.group_external_id!);
    const users = await ctx.db
      .selectFrom('events')
      .innerJoin('identities', (j) =>
        j
          .onRef('identities.workspace_id', '=', 'events.workspace_id')
          .onRef('identities.user_key', '=', 'events.user_key'),
      )
      .select('events.user_key')
      .distinct()
      .where('events.workspace_id', '=', ws)
      .where('events.account_id', 'is', null)
      .where('events.group_external_id', 'is', null)
      .where('identities.account_id', 'is not', null)
      .execute();
    userKeys = users.map((u) => u.user_key!);
  } else {
    // Group calls, aliases, PostHog events whose $groups link their person, identifies that merged
    // an anonymous id (previousId) into the person.
    const linking = events.filter((e) => e.type === 'group' || e.type === 'alias' || e.linksGroup);
    groupIds = [...new Set(linking.map((e) => e.groupExternalId).filter((g): g is string => !!g))];
    userKeys = [...new Set(linking.map((e) => e.userKey).filter((u): u is string => !!u))];
  }
  if (groupIds.length === 0 && userKeys.length === 0) return [];

  const attached: AttachedEvent[] = [];
  const accounts = await accountIdsByExternalId(ctx, groupIds);
  for (const [groupId, accountId] of accounts) {
    const rows = await ctx.db
      .updateTable('events')
      .set({ account_id: accountId })
      .where('workspace_id', '=', ws)
      .where('account_id', 'is', null)
      .where('group_external_id', '=', groupId)
      .returning(RETURNED)
      .execute();
    for (const r of rows) attached.push(toRollupEvent(r));
  }
  for (const userKey of userKeys) {
    const identity = await ctx.db
      .selectFrom('identities')
      .select('account_id')
      .where('workspace_id', '=', ws)
      .where('user_key', '=', userKey)
      .executeTakeFirst();
    if (!identity?.account_id) continue;
    const rows = await ctx.db
      .updateTable('events')
      .set({ account_id: identity.account_id })
      .where('workspace_id', '=', ws)
      .where('account_id', 'is', null)
      .where('group_external_id', 'is', null)
      .where('user_key', '=', userKey)
      .returning(RETURNED)
      .execute();
    for (const r of rows) attached.push(toRollupEvent(r));
  }
  return attached;
}

/** The job's path: attach what any known account or linked user claims, roll it up, count it. */
export async function attachPending(ctx: Ctx): Promise<number> {
  const attached = await attachPendingEvents(ctx, 'all');
  if (attached.length === 0) return 0;
  await applyRollups(ctx, attached);
  await bumpCounters(ctx, { attached: attached.length });
  return attached.length;
}
