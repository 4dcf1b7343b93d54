import type { Ctx } from '../../context.ts';
import { today } from '../../time.ts';
import { readableAccountIds } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import { openTaskCounts } from '../tasks/index.ts';
import { accountCost, meanArrByTier } from './capacity.ts';
import { capacityModel, loadTeamSettings } from './settings.ts';
import { LoadQuery } from './team.schemas.ts';
import { loadBook, loadTeam } from './workload.ts';

const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Per CSM: accounts and ARR by tier, open and overdue tasks, and the share of their capacity used.
 * Group members first (by group position, then name), then other users who own accounts.
 */
export async function getLoadView({ ctx, input }: { ctx: Ctx; input: LoadQuery }) {
  await authorize(ctx, 'read');
  const q = LoadQuery.parse(input);
  const settings = await loadTeamSettings(ctx);
  const model = capacityModel(settings);
  const [whole, team] = [await loadBook(ctx), await loadTeam(ctx)];
  const tasks = await openTaskCounts(ctx);
  // Costs use the whole workspace's tier means, so a load reads the same for everyone; the rows
  // are the accounts and people the caller may read (record-level access).
  const means = meanArrByTier(whole);
  const readable = await readableAccountIds(ctx);
  const book = readable ? whole.filter((a) => readable.has(a.id)) : whole;
  const readablePeople = ctx.readAccess?.kind === 'users' ? new Set(ctx.readAccess.userIds) : null;
  const member = new Map(team.members.map((m) => [m.userId, m]));
  const groups = new Map(team.groups.map((g, i) => [g.id, { ...g, index: i }]));
  type Row = {
    accounts: number;
    arr: number;
    load: number;
    byTier: Map<string, { accounts: number; arr: number }>;
  };
  const rows = new Map<string, Row>();
  const unowned = { accounts: 0, arr: 0 };
  for (const a of book) {
    if (a.ownerId === null || !team.users.get(a.ownerId)?.active) {
      unowned.accounts++;
      unowned.arr += a.arr;
    }
    if (a.ownerId === null) continue;
    const row = rows.get(a.ownerId) ?? { accounts: 0, arr: 0, load: 0, byTier: new Map() };
    row.accounts++;
    row.arr += a.arr;
    row.load += accountCost(model, a.tier, a.arr, means);
    const tier = a.tier ?? 'unassigned';
    const t = row.byTier.get(tier) ?? { accounts: 0, arr: 0 };
    t.accounts++;
    t.arr += a.arr;
    row.byTier.set(tier, t);
    rows.set(a.ownerId, row);
  }
  const people = [...new Set([...team.members.map((m) => m.userId), ...rows.keys()])];
  const items = people
    .map((userId) => {
      const user = team.users.get(userId);
      const m = member.get(userId);
      const g = m ? groups.get(m.groupId) : undefined;
      const row = rows.get(userId) ?? { accounts: 0, arr: 0, load: 0, byTier: new Map() };
      const t = tasks?.get(userId);
      return {
        userId,
        name: user?.name ?? userId,
        active: user?.active ?? false,
        groupId: m?.groupId ?? null,
        groupName: g?.name ?? null,
        capacityFactor: m?.capacityFactor ?? null,
        accounts: row.accounts,
        arr: round2(row.arr),
        byTier: [...row.byTier]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([tier, v]) => ({ tier, accounts: v.accounts, arr: round2(v.arr) })),
        load: round4(row.load),
        capacityUsed: m ? round4(row.load / m.capacityFactor) : null,
        openTasks: tasks ? (t?.open ?? 0) : null,
        overdueTasks: tasks ? (t?.overdue ?? 0) : null,
        _order: [g ? g.index : Number.MAX_SAFE_INTEGER, user?.name ?? userId] as const,
      };
    })
    .filter((r) => readablePeople === null || readablePeople.has(r.userId))
    .filter((r) => (q.groupId ? r.groupId === q.groupId : true))
    .filter((r) => (q.overloaded ? (r.capacityUsed ?? 0) > 1 : true))
    .sort(
      (a, b) =>
        a._order[0] - b._order[0] || (a._order[1] < b._order[1] ? -1 : a._order[1] > b._order[1] ? 1 : 0),
    )
    .map(({ _order, ...r }) => r);
  return {
    day: today(ctx),
    items,
    unowned: { accounts: unowned.accounts, arr: round2(unowned.arr) },
    nextCursor: null,
  };
}
