import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { forbidden, invalidField } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { addDays, daysBetween, nowIso, today } from '../../time.ts';
import { fromMinor, readableAccountsView } from '../accounts/index.ts';
import { authorize, can } from '../auth/index.ts';
import { playbookTouchCadences } from '../automation/index.ts';
import { loadScoreValuesAsOf } from '../health/index.ts';
import { arrAt, loadRenewals, loadSpans, movement, retention } from '../renewals/index.ts';
import { Day } from '../segments/index.ts';
import { forEveryReader, keepSnapshot, readSnapshot } from '../snapshots/index.ts';
import { loadCurrentStates } from '../state/index.ts';
import { summarize, surveyAnswersBetween } from '../surveys/index.ts';
import { loadTeam, loadTeamSettings } from '../team/index.ts';
import { touchCounts } from '../timeline/index.ts';
import { combine, expectedTouches, type Metrics, outcomeParts, processParts } from './scorecard.ts';
import { type DueTask, taskFacts, taskMeasure } from './task-metrics.ts';

export const ScorecardQuery = z.object({
  /** Default: the 90 days up to today. */
  from: Day.optional(),
  to: Day.optional(),
  /** Weight of outcome metrics, 0-1; process gets the rest. Default from team settings (0.6). */
  outcomeWeight: z.coerce.number().min(0).max(1).optional(),
  userId: z.string().optional(),
  groupId: z.string().optional(),
});
export type ScorecardQuery = z.output<typeof ScorecardQuery>;
type Scorecards = z.output<typeof Scorecards>;

const MetricsOut = z.object({
  accounts: z.number(),
  renewalsDue: z.number(),
  renewalsClosed: z.number(),
  renewalRateCount: z.number().nullable(),
  renewalRateArr: z.number().nullable(),
  nrr: z.number().nullable(),
  nps: z.number().nullable(),
  expansionArr: z.number(),
  startArr: z.number(),
  touches: z.number(),
  touchesPerAccount: z.number().nullable(),
  expectedTouchesPerAccount: z.number().nullable(),
  cadenceAttainment: z.number().nullable(),
  tasksOnTime: z.number().nullable(),
  dangerAccounts: z.number(),
  dangerWithPlan: z.number().nullable(),
  healthDelta: z.number().nullable(),
  healthImproved: z.number().nullable(),
});
export const Scorecard = z.object({
  kind: z.enum(['csm', 'group']),
  id: z.string(),
  name: z.string(),
  groupId: z.string().nullable(),
  metrics: MetricsOut,
  parts: z.object({ outcome: z.record(z.string(), z.number()), process: z.record(z.string(), z.number()) }),
  outcomeScore: z.number().nullable(),
  processScore: z.number().nullable(),
  score: z.number().nullable(),
});
export const Scorecards = z.object({
  from: z.string(),
  to: z.string(),
  weights: z.object({ outcome: z.number(), process: z.number() }),
  currency: z.string(),
  /** Metrics that cannot be measured on this installation, and why. */
  unavailable: z.array(z.object({ metric: z.string(), reason: z.string() })),
  items: z.array(Scorecard),
  groups: z.array(Scorecard),
  nextCursor: z.null(),
  /**
   * When the cards were computed: for the default period read by someone who sees every card, the
   * last full recompute of today (kept, an hour old at most); otherwise now.
   */
  computedAt: z.string(),
});

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const share = (n: number, d: number) => (d > 0 ? round4(n / d) : null);

type Book = {
  accountId: string;
  name: string;
  ownerId: string | null;
  tier: string | null;
  health: string | null;
};

/**
 * Who the caller may see a card of: managers and admins every CSM and group they may read (a
 * manager whose reads are limited to their groups sees those groups' people), a CSM only their own.
 */
function visibility(ctx: Ctx, grant: string, team: Awaited<ReturnType<typeof loadTeam>>) {
  const me = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  const readable = ctx.readAccess?.kind === 'users' ? new Set(ctx.readAccess.userIds) : null;
  const person = (id: string) => (grant === 'all' ? readable === null || readable.has(id) : id === me);
  const group = (groupId: string) => {
    if (grant !== 'all') return false;
    if (readable === null) return true;
    const g = team.groups.find((x) => x.id === groupId);
    if (!g) return false;
    if (g.leadId && readable.has(g.leadId)) return true;
    return team.members.some((m) => m.groupId === groupId && readable.has(m.userId));
  };
  return { person, group };
}

/** The query's period: the 90 days up to `to`, today unless given. */
const periodOf = (q: ScorecardQuery, day: string) => {
  const to = q.to ?? day;
  return { from: q.from ?? addDays(to, -89), to };
};

/** Everything a scorecard reads for a period, loaded once (the cards and the drill-down share it). */
async function loadPeriod(ctx: Ctx, q: ScorecardQuery) {
  await authorize(ctx, 'read');
  const grant = can(ctx, 'scorecards:read');
  if (grant === 'none')
    throw forbidden(
      msg('reports.error.scorecardsRole', {
        role: ctx.actor.kind === 'user' ? msg(`role.${ctx.actor.role}`) : ctx.actor.name,
      }),
    );
  const day = today(ctx);
  const { from, to } = periodOf(q, day);
  if (from > to) throw invalidField('from', msg('error.mustNotBeAfterTo'), 'query');
  const settings = await loadTeamSettings(ctx);
  const weights =
    q.outcomeWeight === undefined
      ? settings.scorecardWeights
      : { outcome: q.outcomeWeight, process: round4(1 - q.outcomeWeight) };
  const team = await loadTeam(ctx);

  const rows = await ctx.db
    .selectFrom(readableAccountsView(ctx).as('a'))
    .select(['a.id', 'a.name', 'a.owner_id'])
    .execute();
  const states = await loadCurrentStates(ctx, null);
  const book: Book[] = rows.map((r) => ({
    accountId: r.id,
    name: r.name,
    ownerId: r.owner_id,
    tier: states.get(r.id)?.tier ?? null,
    health: states.get(r.id)?.healthStatus ?? null,
  }));
  // NPS from the survey answers of the period (seed 003's 结果指标): each card's NPS is over the
  // answers of its accounts, so an account with many respondents weighs more, as in any NPS.
  const nps = new Map<string, number[]>();
  for (const a of await surveyAnswersBetween(ctx, { kind: 'nps', from, to })) {
    const list = nps.get(a.accountId);
    if (list) list.push(a.score);
    else nps.set(a.accountId, [a.score]);
  }

  const spans = await loadSpans(ctx);
  const arrStart = arrAt(spans, addDays(from, -1));
  const arrEnd = arrAt(spans, to);
  const renewals = await loadRenewals(ctx, { from, to });
  const touches = await touchCounts(ctx, { from: `${from}T00:00:00.000Z`, to: `${to}T23:59:59.999Z` });
  // Each account's latest scored snapshot within 14 days before d.
  const ids = book.map((a) => a.accountId);
  const healthAt = async (d: string) => {
    const out = new Map<string, number>();
    for (const [id, v] of await loadScoreValuesAsOf(ctx, d, 14, ids))
      if (v.score !== null) out.set(id, v.score);
    return out;
  };
  const [healthFrom, healthTo] = [await healthAt(from), await healthAt(to)];
  const tasks = await taskFacts(ctx, { from, to });
  // The playbook's touch cadence for a tier wins over the team settings' default (the most
  // frequent, when several enabled playbooks cover the tier).
  const playbookCadence = await playbookTouchCadences(ctx);
  const periodDays = daysBetween(from, to) + 1;
  const cadenceOf = (tier: string | null) =>
    (tier && (playbookCadence.get(tier) ?? settings.cadenceDays[tier])) || settings.fallbackCadenceDays;
  const byOwner = new Map<string, Book[]>();
  for (const a of book) {
    if (!a.ownerId) continue;
    const list = byOwner.get(a.ownerId);
    if (list) list.push(a);
    else byOwner.set(a.ownerId, [a]);
  }
  return {
    grant,
    from,
    to,
    weights,
    team,
    book,
    byOwner,
    nps,
    arrStart,
    arrEnd,
    renewals,
    touches,
    healthFrom,
    healthTo,
    tasks,
    periodDays,
    cadenceOf,
    base: ctx.workspace.baseCurrency,
    visible: visibility(ctx, grant, team),
  };
}

/**
 * Per CSM and per group for a period: outcome metrics (renewal rate by count and ARR of contracts
 * that ended in the period and were decided, NRR, NPS of the period's survey answers,
 * expansion ARR) and process metrics (touches per account against the tier's cadence, tasks done
 * on time, danger accounts with an open plan, health held or improved), combined with weights.
 * Accounts are attributed to their current owner. Managers and admins see every card they may
 * read; a CSM sees only their own.
 */
export async function getScorecards({ ctx, input }: { ctx: Ctx; input: ScorecardQuery }) {
  const q = ScorecardQuery.parse(input);
  if (isDefault(ctx, q) && can(ctx, 'scorecards:read') === 'all') {
    const kept = await readSnapshot<Omit<Scorecards, 'computedAt'>>(ctx, SCORECARDS, {});
    if (kept) return { ...kept.body, computedAt: kept.computedAt };
  }
  return { ...(await computeScorecards(ctx, q)), computedAt: nowIso(ctx) };
}

/** The snapshot name of the default cards (modules/snapshots). */
const SCORECARDS = 'scorecards';

/** The 90 days up to today with the settings' weights, every card: what the page opens on. */
function isDefault(ctx: Ctx, q: ScorecardQuery): boolean {
  const day = today(ctx);
  const asked = periodOf(q, day);
  const opening = periodOf({}, day);
  return (
    q.userId === undefined &&
    q.groupId === undefined &&
    q.outcomeWeight === undefined &&
    asked.from === opening.from &&
    asked.to === opening.to
  );
}

/**
 * After a full recompute of today: the default cards for readers of every card, kept as of that
 * pass (tasks, touches and renewals change them all day; the next hourly pass keeps them anew) and
 * served with their `computedAt`, as the Risk ranking is: 1.2 s of scans at 20,000 accounts.
 */
export async function keepScorecards(ctx: Ctx): Promise<void> {
  const everyCard = forEveryReader(ctx);
  await keepSnapshot(everyCard, SCORECARDS, {}, () => computeScorecards(everyCard, ScorecardQuery.parse({})));
}

async function computeScorecards(ctx: Ctx, q: ScorecardQuery) {
  const p = await loadPeriod(ctx, q);
  const { team, byOwner, renewals, arrStart, arrEnd, touches, healthFrom, healthTo, nps, weights, base } = p;
  const tasks = taskMeasure(p.tasks);

  const measure = (accounts: Book[], assignees: readonly string[]) => {
    const ids = new Set(accounts.map((a) => a.accountId));
    const due = renewals.filter((l) => ids.has(l.renewal.accountId));
    const closed = due.filter((l) => l.renewal.closed);
    const won = closed.filter((l) => l.renewal.stage !== 'churned');
    // Picked by the card's accounts (a few hundred), not by filtering every account's ARR per card.
    const pick = (arr: typeof arrStart) => {
      const out: typeof arrStart = new Map();
      for (const id of ids) {
        const v = arr.get(id);
        if (v !== undefined) out.set(id, v);
      }
      return out;
    };
    const start = pick(arrStart);
    const end = pick(arrEnd);
    const ret = retention(start, end);
    const mv = movement(start, end);
    let touched = 0;
    let attainment = 0;
    let expectedSum = 0;
    for (const a of accounts) {
      const n = touches.get(a.accountId) ?? 0;
      touched += n;
      const expected = expectedTouches(p.periodDays, p.cadenceOf(a.tier));
      expectedSum += expected;
      attainment += Math.min(1, n / expected);
    }
    const scored = accounts.filter((a) => healthFrom.has(a.accountId) && healthTo.has(a.accountId));
    const deltas = scored.map((a) => healthTo.get(a.accountId)! - healthFrom.get(a.accountId)!);
    const npsValues = accounts.flatMap((a) => nps.get(a.accountId) ?? []);
    const danger = accounts.filter((a) => a.health === 'danger');
    const t = tasks(
      accounts.map((a) => a.accountId),
      danger.map((a) => a.accountId),
      assignees,
    );
    const metrics = {
      accounts: accounts.length,
      renewalsDue: due.length,
      renewalsClosed: closed.length,
      renewalRateCount: share(won.length, closed.length),
      renewalRateArr: share(
        won.reduce((s, l) => s + l.arrMinor, 0),
        closed.reduce((s, l) => s + l.arrMinor, 0),
      ),
      nrr: ret.nrr,
      nps: summarize('nps', npsValues).score,
      expansionArr: fromMinor(mv.expansion, base),
      startArr: fromMinor(ret.startArr, base),
      touches: touched,
      touchesPerAccount: accounts.length ? round4(touched / accounts.length) : null,
      expectedTouchesPerAccount: accounts.length ? round4(expectedSum / accounts.length) : null,
      cadenceAttainment: accounts.length ? round4(attainment / accounts.length) : null,
      tasksOnTime: t.onTime,
      dangerAccounts: danger.length,
      dangerWithPlan: t.dangerWithPlan,
      healthDelta: deltas.length ? round4(deltas.reduce((s, d) => s + d, 0) / deltas.length) : null,
      healthImproved: deltas.length ? share(deltas.filter((d) => d >= 0).length, deltas.length) : null,
    };
    const forScore: Metrics = { ...metrics };
    const scores = combine(forScore, weights);
    return {
      metrics,
      parts: { outcome: outcomeParts(forScore), process: processParts(forScore) },
      outcomeScore: scores.outcome,
      processScore: scores.process,
      score: scores.score,
    };
  };

  const groupOf = new Map(team.members.map((m) => [m.userId, m.groupId]));
  const people = [
    ...new Set([
      ...team.members.map((m) => m.userId),
      ...[...byOwner.keys()].filter((id) => team.users.get(id)?.role === 'csm'),
    ]),
  ].filter((id) => team.users.get(id)?.active);
  const items = people
    .filter((id) => p.visible.person(id))
    .filter((id) => (q.userId ? id === q.userId : true))
    .filter((id) => (q.groupId ? groupOf.get(id) === q.groupId : true))
    .map((id) => ({
      kind: 'csm' as const,
      id,
      name: team.users.get(id)?.name ?? id,
      groupId: groupOf.get(id) ?? null,
      ...measure(byOwner.get(id) ?? [], [id]),
    }))
    .sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || (a.name < b.name ? -1 : 1));
  const groups = team.groups
    .filter((g) => p.visible.group(g.id))
    .filter((g) => (q.groupId ? g.id === q.groupId : true))
    .map((g) => {
      const members = team.members.filter((m) => m.groupId === g.id).map((m) => m.userId);
      return {
        kind: 'group' as const,
        id: g.id,
        name: g.name,
        groupId: g.id,
        ...measure(
          members.flatMap((m) => byOwner.get(m) ?? []),
          members,
        ),
      };
    });
  const unavailable = [
    ...(p.nps.size ? [] : [{ metric: 'nps', reason: 'no NPS survey answers in the period' }]),
  ];
  return { from: p.from, to: p.to, weights, currency: base, unavailable, items, groups, nextCursor: null };
}

export const ScorecardDetailQuery = z.object({
  kind: z.enum(['csm', 'group']),
  id: z.string().min(1),
  from: Day.optional(),
  to: Day.optional(),
});
export type ScorecardDetailQuery = z.output<typeof ScorecardDetailQuery>;

const TASKS_LISTED = 1000;

export const ScorecardDetail = z.object({
  kind: z.enum(['csm', 'group']),
  id: z.string(),
  name: z.string(),
  from: z.string(),
  to: z.string(),
  currency: z.string(),
  /** The accounts behind the card's figures, one row each with its part of every figure. */
  accounts: z.array(
    z.object({
      accountId: z.string(),
      name: z.string(),
      ownerId: z.string().nullable(),
      ownerName: z.string().nullable(),
      tier: z.string().nullable(),
      health: z.string().nullable(),
      renewalsDue: z.number(),
      renewalsClosed: z.number(),
      renewalsWon: z.number(),
      renewalArrClosed: z.number(),
      renewalArrWon: z.number(),
      startArr: z.number(),
      endArr: z.number(),
      expansionArr: z.number(),
      nps: z.number().nullable(),
      touches: z.number(),
      expectedTouches: z.number(),
      healthFrom: z.number().nullable(),
      healthTo: z.number().nullable(),
      danger: z.boolean(),
      openPlan: z.boolean(),
    }),
  ),
  /** Tasks assigned to the people measured and due in the period (the most recent due first). */
  tasks: z.array(
    z.object({
      taskId: z.string(),
      title: z.string(),
      accountId: z.string().nullable(),
      accountName: z.string().nullable(),
      assigneeId: z.string(),
      assigneeName: z.string(),
      dueDate: z.string(),
      status: z.string(),
      completedAt: z.string().nullable(),
      onTime: z.boolean(),
    }),
  ),
  tasksTotal: z.number(),
});

/**
 * The accounts and tasks behind one scorecard (a CSM's or a group's): per account its renewals,
 * ARR at the start and end, expansion, touches against the cadence, health at both ends; the
 * tasks due in the period and whether each was done on time. Scoped as the cards are.
 */
export async function getScorecardDetail({ ctx, input }: { ctx: Ctx; input: ScorecardDetailQuery }) {
  const q = ScorecardDetailQuery.parse(input);
  const p = await loadPeriod(ctx, { from: q.from, to: q.to });
  const { team } = p;
  let assignees: string[];
  let name: string;
  if (q.kind === 'csm') {
    if (!team.users.has(q.id)) throw invalidField('id', msg('error.unknownScorecardUser'), 'query');
    if (!p.visible.person(q.id)) throw forbidden(msg('reports.error.scorecardHidden'));
    assignees = [q.id];
    name = team.users.get(q.id)!.name;
  } else {
    const g = team.groups.find((x) => x.id === q.id);
    if (!g) throw invalidField('id', msg('error.unknownScorecardGroup'), 'query');
    if (!p.visible.group(g.id)) throw forbidden(msg('reports.error.scorecardHidden'));
    assignees = team.members.filter((m) => m.groupId === g.id).map((m) => m.userId);
    name = g.name;
  }
  const who = new Set(assignees);
  const accounts = p.book.filter((a) => a.ownerId !== null && who.has(a.ownerId));
  const names = new Map(p.book.map((a) => [a.accountId, a.name]));
  const minor = (x: number) => fromMinor(x, p.base);
  const renewalsOf = new Map<string, typeof p.renewals>();
  for (const l of p.renewals) {
    const list = renewalsOf.get(l.renewal.accountId);
    if (list) list.push(l);
    else renewalsOf.set(l.renewal.accountId, [l]);
  }
  const rows = accounts
    .map((a) => {
      const due = renewalsOf.get(a.accountId) ?? [];
      const closed = due.filter((l) => l.renewal.closed);
      const won = closed.filter((l) => l.renewal.stage !== 'churned');
      const start = p.arrStart.get(a.accountId) ?? 0;
      const end = p.arrEnd.get(a.accountId) ?? 0;
      const mv = movement(new Map([[a.accountId, start]]), new Map([[a.accountId, end]]));
      return {
        accountId: a.accountId,
        name: a.name,
        ownerId: a.ownerId,
        ownerName: a.ownerId ? (team.users.get(a.ownerId)?.name ?? null) : null,
        tier: a.tier,
        health: a.health,
        renewalsDue: due.length,
        renewalsClosed: closed.length,
        renewalsWon: won.length,
        renewalArrClosed: minor(closed.reduce((s, l) => s + l.arrMinor, 0)),
        renewalArrWon: minor(won.reduce((s, l) => s + l.arrMinor, 0)),
        startArr: minor(start),
        endArr: minor(end),
        expansionArr: minor(mv.expansion),
        nps: summarize('nps', p.nps.get(a.accountId) ?? []).score,
        touches: p.touches.get(a.accountId) ?? 0,
        expectedTouches: round4(expectedTouches(p.periodDays, p.cadenceOf(a.tier))),
        healthFrom: p.healthFrom.get(a.accountId) ?? null,
        healthTo: p.healthTo.get(a.accountId) ?? null,
        danger: a.health === 'danger',
        openPlan: p.tasks.withPlan.has(a.accountId),
      };
    })
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const due: DueTask[] = p.tasks.due
    .filter((t) => who.has(t.assigneeId))
    .sort((x, y) => (x.dueDate > y.dueDate ? -1 : x.dueDate < y.dueDate ? 1 : x.id < y.id ? -1 : 1));
  const tasks = due.slice(0, TASKS_LISTED).map((t) => ({
    taskId: t.id,
    title: t.title,
    accountId: t.accountId,
    accountName: t.accountId ? (names.get(t.accountId) ?? null) : null,
    assigneeId: t.assigneeId,
    assigneeName: team.users.get(t.assigneeId)?.name ?? t.assigneeId,
    dueDate: t.dueDate,
    status: t.status,
    completedAt: t.completedAt,
    onTime: t.onTime,
  }));
  return {
    kind: q.kind,
    id: q.id,
    name,
    from: p.from,
    to: p.to,
    currency: p.base,
    accounts: rows,
    tasks,
    tasksTotal: due.length,
  };
}
