import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { forbidden } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { addDays, today } from '../../time.ts';
import { readableAccountsView } from '../accounts/index.ts';
import { authorize, can } from '../auth/index.ts';
import { playbookTouchCadences } from '../automation/index.ts';
import { loadScoreValuesAsOf } from '../health/index.ts';
import { loadRenewals } from '../renewals/index.ts';
import { loadActiveScheme, schemeTiers } from '../segments/index.ts';
import { loadCurrentStates } from '../state/index.ts';
import { openTaskCounts } from '../tasks/index.ts';
import { loadBook, loadTeam, loadTeamSettings } from '../team/index.ts';
import { touchCounts } from '../timeline/index.ts';
import { expectedTouches } from './scorecard.ts';

export const TeamOverviewQuery = z.object({
  /** A group id, `mine` (the groups the caller leads or belongs to) or `all`. Default: `mine` when there are any. */
  groupId: z.string().min(1).optional(),
  /** Weeks of health history (weekly points, the last one today). */
  weeks: z.coerce.number().int().min(2).max(26).default(12),
  /** Days back over which touches are counted against the cadence. */
  touchDays: z.coerce.number().int().min(7).max(180).default(30),
});
export type TeamOverviewQuery = z.input<typeof TeamOverviewQuery>;

const Count = z.object({ status: z.string(), count: z.number() });
export const TeamOverview = z.object({
  day: z.string(),
  currency: z.string(),
  /** The groups the caller may look at; `mine` marks the ones they lead or belong to. */
  groups: z.array(
    z.object({ id: z.string(), name: z.string(), leadId: z.string().nullable(), mine: z.boolean() }),
  ),
  /** What is shown: one group's id, `mine` or `all`. */
  selected: z.string(),
  touchDays: z.number(),
  csms: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      groupId: z.string().nullable(),
      groupName: z.string().nullable(),
      accounts: z.number(),
      arr: z.number(),
      health: z.array(Count),
      renewalsOpen: z.number(),
      renewalsAtRisk: z.number(),
      renewalsAtRiskArr: z.number(),
      openTasks: z.number(),
      overdueTasks: z.number(),
      touches: z.number(),
      expectedTouches: z.number(),
      /** Mean over accounts of min(1, touches / touches the cadence expects); null without accounts. */
      cadenceAttainment: z.number().nullable(),
    }),
  ),
  /** Mean health score per tier at weekly points, over the accounts shown (tier as today). */
  healthTrend: z.object({
    days: z.array(z.string()),
    tiers: z.array(
      z.object({
        tier: z.string(),
        scores: z.array(z.number().nullable()),
        accounts: z.array(z.number()),
      }),
    ),
  }),
});

const round1 = (x: number) => Math.round(x * 10) / 10;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * The manager's workbench: the CSMs of a group (default: the caller's own groups) side by side —
 * health mix, open renewals in the next 90 days and those at risk, open and overdue tasks, touches
 * against the cadence — and the group's health over time by tier. Managers and admins; every
 * figure comes from the accounts the caller may read.
 */
export async function getTeamOverview({ ctx, input }: { ctx: Ctx; input: TeamOverviewQuery }) {
  await authorize(ctx, 'read');
  if (can(ctx, 'team:manage') === 'none') throw forbidden(msg('reports.error.teamOverview'));
  const q = TeamOverviewQuery.parse(input);
  const day = today(ctx);
  const me = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  const team = await loadTeam(ctx);
  const readablePeople = ctx.readAccess?.kind === 'users' ? new Set(ctx.readAccess.userIds) : null;
  const memberIds = (groupId: string) =>
    team.members.filter((m) => m.groupId === groupId).map((m) => m.userId);
  const groups = team.groups
    .map((g) => ({
      id: g.id,
      name: g.name,
      leadId: g.leadId,
      mine: me !== null && (g.leadId === me || memberIds(g.id).includes(me)),
    }))
    .filter(
      (g) =>
        readablePeople === null ||
        g.mine ||
        (g.leadId !== null && readablePeople.has(g.leadId)) ||
        memberIds(g.id).some((id) => readablePeople.has(id)),
    );
  const selected = q.groupId ?? (groups.some((g) => g.mine) ? 'mine' : 'all');
  const shownGroups =
    selected === 'all'
      ? groups
      : selected === 'mine'
        ? groups.filter((g) => g.mine)
        : groups.filter((g) => g.id === selected);
  const groupOf = new Map(team.members.map((m) => [m.userId, m.groupId]));
  const groupName = new Map(team.groups.map((g) => [g.id, g.name]));
  const shownIds = new Set(shownGroups.map((g) => g.id));

  const rows = await ctx.db
    .selectFrom(readableAccountsView(ctx).as('a'))
    .select(['a.id', 'a.owner_id'])
    .execute();
  const owners = new Map(rows.map((r) => [r.id, r.owner_id]));
  // People: active members of the groups shown; with `all`, also other active CSMs who own accounts.
  const people = new Set<string>();
  for (const m of team.members) if (shownIds.has(m.groupId)) people.add(m.userId);
  if (selected === 'all')
    for (const r of rows)
      if (r.owner_id && team.users.get(r.owner_id)?.role === 'csm') people.add(r.owner_id);
  for (const id of [...people])
    if (!team.users.get(id)?.active || (readablePeople !== null && !readablePeople.has(id)))
      people.delete(id);
  const accountIds = rows.filter((r) => r.owner_id !== null && people.has(r.owner_id)).map((r) => r.id);
  const inScope = new Set(accountIds);

  const states = await loadCurrentStates(ctx, null);
  const arrOf = new Map((await loadBook(ctx)).map((b) => [b.id, b.arr]));
  const settings = await loadTeamSettings(ctx);
  const playbookCadence = await playbookTouchCadences(ctx);
  const cadenceOf = (tier: string | null) =>
    (tier && (playbookCadence.get(tier) ?? settings.cadenceDays[tier])) || settings.fallbackCadenceDays;
  const touchFrom = addDays(day, -(q.touchDays - 1));
  const touches = await touchCounts(ctx, { from: `${touchFrom}T00:00:00.000Z`, to: `${day}T23:59:59.999Z` });
  const renewals = (await loadRenewals(ctx, { from: addDays(day, -90), to: addDays(day, 90) })).filter(
    (l) => !l.renewal.closed && inScope.has(l.renewal.accountId),
  );
  const tasks = await openTaskCounts(ctx);

  type Acc = {
    accounts: number;
    arr: number;
    health: Map<string, number>;
    renewalsOpen: number;
    renewalsAtRisk: number;
    renewalsAtRiskArr: number;
    touches: number;
    expected: number;
    attainment: number;
  };
  const per = new Map<string, Acc>();
  const acc = (id: string) => {
    let a = per.get(id);
    if (!a) {
      a = {
        accounts: 0,
        arr: 0,
        health: new Map(),
        renewalsOpen: 0,
        renewalsAtRisk: 0,
        renewalsAtRiskArr: 0,
        touches: 0,
        expected: 0,
        attainment: 0,
      };
      per.set(id, a);
    }
    return a;
  };
  for (const id of accountIds) {
    const owner = owners.get(id)!;
    const a = acc(owner);
    const s = states.get(id);
    a.accounts++;
    a.arr += arrOf.get(id) ?? 0;
    const status = s?.healthStatus ?? 'none';
    a.health.set(status, (a.health.get(status) ?? 0) + 1);
    const n = touches.get(id) ?? 0;
    const expected = expectedTouches(q.touchDays, cadenceOf(s?.tier ?? null));
    a.touches += n;
    a.expected += expected;
    a.attainment += Math.min(1, n / expected);
  }
  for (const l of renewals) {
    const owner = owners.get(l.renewal.accountId);
    if (!owner) continue;
    const a = acc(owner);
    a.renewalsOpen++;
    if (l.renewal.forecastCategory === 'at_risk') {
      a.renewalsAtRisk++;
      a.renewalsAtRiskArr += l.renewal.arr;
    }
  }
  const csms = [...people]
    .map((userId) => {
      const a = acc(userId);
      const gid = groupOf.get(userId) ?? null;
      const t = tasks.get(userId);
      return {
        userId,
        name: team.users.get(userId)?.name ?? userId,
        groupId: gid,
        groupName: gid ? (groupName.get(gid) ?? null) : null,
        accounts: a.accounts,
        arr: Math.round(a.arr * 100) / 100,
        health: [...a.health].map(([status, count]) => ({ status, count })),
        renewalsOpen: a.renewalsOpen,
        renewalsAtRisk: a.renewalsAtRisk,
        renewalsAtRiskArr: Math.round(a.renewalsAtRiskArr * 100) / 100,
        openTasks: t?.open ?? 0,
        overdueTasks: t?.overdue ?? 0,
        touches: a.touches,
        expectedTouches: round1(a.expected),
        cadenceAttainment: a.accounts ? round4(a.attainment / a.accounts) : null,
      };
    })
    .sort((x, y) =>
      (x.groupName ?? '\uffff') < (y.groupName ?? '\uffff')
        ? -1
        : (x.groupName ?? '\uffff') > (y.groupName ?? '\uffff')
          ? 1
          : x.name < y.name
            ? -1
            : 1,
    );

  // Health over time by tier: weekly points ending today, each the latest score within the week.
  const days = Array.from({ length: q.weeks }, (_, i) => addDays(day, -7 * (q.weeks - 1 - i)));
  const scheme = await loadActiveScheme(ctx);
  const known = (scheme ? schemeTiers(scheme) : null) ?? [];
  const tierOf = new Map(accountIds.map((id) => [id, states.get(id)?.tier ?? 'unassigned']));
  const tiers = [...new Set([...known, ...tierOf.values()])].filter((t) => [...tierOf.values()].includes(t));
  const sums = tiers.map(() => days.map(() => ({ sum: 0, n: 0 })));
  for (const [i, d] of days.entries()) {
    if (accountIds.length === 0) break;
    for (const [id, v] of await loadScoreValuesAsOf(ctx, d, 6, accountIds)) {
      if (v.score === null || !inScope.has(id)) continue;
      const ti = tiers.indexOf(tierOf.get(id)!);
      if (ti < 0) continue;
      sums[ti]![i]!.sum += v.score;
      sums[ti]![i]!.n++;
    }
  }
  return {
    day,
    currency: ctx.workspace.baseCurrency,
    groups,
    selected,
    touchDays: q.touchDays,
    csms,
    healthTrend: {
      days,
      tiers: tiers.map((tier, ti) => ({
        tier,
        scores: sums[ti]!.map((c) => (c.n ? round1(c.sum / c.n) : null)),
        accounts: sums[ti]!.map((c) => c.n),
      })),
    },
  };
}
