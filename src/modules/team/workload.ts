// Loading what assignment, capacity and the load view read: every account's assignment facts in
// one query, the groups with their compiled scopes, and the members. Reads the whole workspace:
// only team pages and jobs call it (100,000 accounts load in well under a second; see bench/assign.ts).
import type { Ctx } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { accountsView, fromMinor } from '../accounts/index.ts';
import { listUserRefs } from '../auth/index.ts';
import { type Condition, evaluateCondition } from '../facts/index.ts';
import { loadCurrentStates } from '../state/index.ts';
import type { AssignAccount, AssignCsm } from './assign.ts';
import { accountCost, type CapacityModel, meanArrByTier } from './capacity.ts';
import { loadGroupRows } from './groups.ts';

export type BookAccount = {
  id: string;
  name: string;
  ownerId: string | null;
  parentId: string | null;
  arr: number;
  tier: string | null;
  facts: Record<string, unknown>;
};

/**
 * The account rows assignment reads; loadBook adds each one's current tier, stage, health and
 * segments from the state module (loadCurrentStates).
 */
export function bookQuery(ctx: Ctx) {
  return ctx.db
    .selectFrom(accountsView(ctx).as('a'))
    .select([
      'a.id',
      'a.name',
      'a.owner_id',
      'a.parent_id',
      'a.arr_minor',
      'a.region',
      'a.industry',
      'a.product_lines',
      'a.tags',
      'a.licensed_seats',
    ])
    .orderBy('a.id');
}

export async function loadBook(ctx: Ctx): Promise<BookAccount[]> {
  const rows = await bookQuery(ctx).execute();
  const states = await loadCurrentStates(ctx, null);
  // fromMinor builds an Intl formatter per call; 100,000 rows need the divisor once.
  const divisor = Math.round(1 / fromMinor(1, ctx.workspace.baseCurrency));
  return rows.map((r) => {
    const arr = Number(r.arr_minor) / divisor;
    const s = states.get(r.id);
    return {
      id: r.id,
      name: r.name,
      ownerId: r.owner_id,
      parentId: r.parent_id,
      arr,
      tier: s?.tier ?? null,
      facts: {
        tier: s?.tier ?? null,
        stage: s?.stage ?? null,
        'health.status': s?.healthStatus ?? null,
        'health.score': s?.healthScore ?? null,
        region: r.region,
        industry: r.industry,
        product_lines: parseJson<string[]>(r.product_lines, []),
        tags: parseJson<string[]>(r.tags, []),
        segments: s?.segments ?? [],
        arr,
        licensed_seats: r.licensed_seats === null ? null : Number(r.licensed_seats),
        parent_id: r.parent_id,
      },
    };
  });
}

export type TeamGroup = {
  id: string;
  key: string;
  name: string;
  leadId: string | null;
  scope: Condition | null;
};
export type TeamMember = { userId: string; groupId: string; capacityFactor: number };
export type TeamUser = { id: string; name: string; active: boolean; role: string };
export type Team = {
  groups: TeamGroup[];
  members: TeamMember[];
  users: Map<string, TeamUser>;
};

export async function loadTeam(ctx: Ctx): Promise<Team> {
  const groups = (await loadGroupRows(ctx)).map((g) => ({
    id: g.id,
    key: g.key,
    name: g.name,
    leadId: g.lead_id,
    scope: parseJson<Condition | null>(g.scope, null),
  }));
  const members = await ctx.db
    .selectFrom('csm_group_members')
    .select(['user_id', 'group_id', 'capacity_factor'])
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('user_id')
    .execute();
  const users = await listUserRefs(ctx);
  return {
    groups,
    members: members.map((m) => ({
      userId: m.user_id,
      groupId: m.group_id,
      capacityFactor: Number(m.capacity_factor),
    })),
    users: new Map(users.map((u) => [u.id, { id: u.id, name: u.name, active: u.active, role: u.role }])),
  };
}

/** The first group, by position, whose scope matches; null scopes match everything. */
export function matchGroup(groups: readonly TeamGroup[], facts: Record<string, unknown>): string | null {
  for (const g of groups) if (g.scope === null || evaluateCondition(g.scope, facts)) return g.id;
  return null;
}

/** The algorithm's input: active members only, costs from the capacity model. */
export function assignInput(
  book: readonly BookAccount[],
  team: Team,
  model: CapacityModel,
  leaving?: string,
): { accounts: AssignAccount[]; csms: AssignCsm[] } {
  const means = meanArrByTier(book);
  const accounts = book.map(
    (a): AssignAccount => ({
      id: a.id,
      ownerId: a.ownerId,
      ownerActive: a.ownerId !== null && a.ownerId !== leaving && team.users.get(a.ownerId)?.active === true,
      parentId: a.parentId,
      groupId: matchGroup(team.groups, a.facts),
      cost: accountCost(model, a.tier, a.arr, means),
    }),
  );
  const csms = team.members
    .filter((m) => m.userId !== leaving && team.users.get(m.userId)?.active)
    .map((m) => ({ userId: m.userId, groupId: m.groupId, capacity: m.capacityFactor }));
  return { accounts, csms };
}
