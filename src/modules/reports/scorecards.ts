import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { forbidden, invalidField } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { addDays, daysBetween, today } from '../../time.ts';
import { fromMinor, loadDefinitions, readableAccountsView } from '../accounts/index.ts';
import { authorize, can } from '../auth/index.ts';
import { playbookTouchCadences } from '../automation/index.ts';
import { loadScoreValuesAsOf } from '../health/index.ts';
import { arrAt, loadRenewals, loadSpans, movement, retention } from '../renewals/index.ts';
import { Day } from '../segments/index.ts';
import { loadCurrentStates } from '../state/index.ts';
import { loadTeam, loadTeamSettings } from '../team/index.ts';
import { touchCounts } from '../timeline/index.ts';
import { combine, expectedTouches, type Metrics, outcomeParts, processParts } from './scorecard.ts';
import { taskMetrics } from './task-metrics.ts';

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
});

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const share = (n: number, d: number) => (d > 0 ? round4(n / d) : null);

type Book = { accountId: string; ownerId: string | null; tier: string | null; health: string | null };

/**
 * Per CSM and per group for a period: outcome metrics (renewal rate by count and ARR of contracts
 * that ended in the period and were decided, NRR, NPS when a numeric `nps` custom field exists,
 * expansion ARR) and process metrics (touches per account against the tier's cadence, tasks done
 * on time, danger accounts with an open plan, health held or improved), combined with weights.
 * Accounts are attributed to their current owner. Managers and admins see every card; a CSM
 * sees only their own.
 */
export async function getScorecards({ ctx, input }: { ctx: Ctx; input: ScorecardQuery }) {
  await authorize(ctx, 'read');
  const grant = can(ctx, 'scorecards:read');
  if (grant === 'none')
    throw forbidden(`Role ${ctx.actor.kind === 'user' ? ctx.actor.role : ''} may not read scorecards`);
  const q = ScorecardQuery.parse(input);
  const day = today(ctx);
  const to = q.to ?? day;
  const from = q.from ?? addDays(to, -89);
  if (from > to) throw invalidField('from', msg('error.mustNotBeAfterTo'), 'query');
  const settings = await loadTeamSettings(ctx);
  const weights =
    q.outcomeWeight === undefined
      ? settings.scorecardWeights
      : { outcome: q.outcomeWeight, process: round4(1 - q.outcomeWeight) };
  const team = await loadTeam(ctx);

  const rows = await ctx.db
    .selectFrom(readableAccountsView(ctx).as('a'))
    .select(['a.id', 'a.owner_id', 'a.custom_fields'])
    .execute();
  const states = await loadCurrentStates(ctx, null);
  const book: Book[] = rows.map((r) => ({
    accountId: r.id,
    ownerId: r.owner_id,
    tier: states.get(r.id)?.tier ?? null,
    health: states.get(r.id)?.healthStatus ?? null,
  }));
  const npsField = (await loadDefinitions(ctx)).find((d) => d.key === 'nps' && d.type === 'number');
  const nps = new Map<string, number>();
  if (npsField) {
    for (const r of rows) {
      const v = parseJson<Record<string, unknown>>(r.custom_fields, {}).nps;
      if (typeof v === 'number' && Number.isFinite(v)) nps.set(r.id, v);
    }
  }

  const spans = await loadSpans(ctx);
  const arrStart = arrAt(spans, addDays(from, -1));
  const arrEnd = arrAt(spans, to);
  const renewals = await loadRenewals(ctx, { from, to });
  const touches = await touchCounts(ctx, { from: `${from}T00:00:00.000Z`, to: `${to}T23:59:59.999Z` });
  // Each account's latest scored snapshot within 14 days before d.
  const healthAt = async (d: string) => {
    const out = new Map<string, number>();
    for (const [id, v] of await loadScoreValuesAsOf(ctx, d, 14)) if (v.score !== null) out.set(id, v.score);
    return out;
  };
  const [healthFrom, healthTo] = [await healthAt(from), await healthAt(to)];
  const tasks = await taskMetrics(ctx, { from, to });
  // The playbook's touch cadence for a tier wins over the team settings' default (the most
  // frequent, when several enabled playbooks cover the tier).
  const playbookCadence = await playbookTouchCadences(ctx);
  const periodDays = daysBetween(from, to) + 1;
  const base = ctx.workspace.baseCurrency;

  const measure = (accounts: Book[], assignees: readonly string[]) => {
    const ids = new Set(accounts.map((a) => a.accountId));
    const due = renewals.filter((l) => ids.has(l.renewal.accountId));
    const closed = due.filter((l) => l.renewal.closed);
    const won = closed.filter((l) => l.renewal.stage !== 'churned');
    const start = new Map([...arrStart].filter(([id]) => ids.has(id)));
    const end = new Map([...arrEnd].filter(([id]) => ids.has(id)));
    const ret = retention(start, end);
    const mv = movement(start, end);
    let touched = 0;
    let attainment = 0;
    let expectedSum = 0;
    for (const a of accounts) {
      const n = touches.get(a.accountId) ?? 0;
      touched += n;
      const cadence =
        (a.tier && (playbookCadence.get(a.tier) ?? settings.cadenceDays[a.tier])) ||
        settings.fallbackCadenceDays;
      const expected = expectedTouches(periodDays, cadence);
      expectedSum += expected;
      attainment += Math.min(1, n / expected);
    }
    const scored = accounts.filter((a) => healthFrom.has(a.accountId) && healthTo.has(a.accountId));
    const deltas = scored.map((a) => healthTo.get(a.accountId)! - healthFrom.get(a.accountId)!);
    const npsValues = accounts.map((a) => nps.get(a.accountId)).filter((v): v is number => v !== undefined);
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
      nps: npsValues.length
        ? Math.round((npsValues.reduce((s, v) => s + v, 0) / npsValues.length) * 10) / 10
        : null,
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

  const byOwner = new Map<string, Book[]>();
  for (const a of book) {
    if (!a.ownerId) continue;
    const list = byOwner.get(a.ownerId);
    if (list) list.push(a);
    else byOwner.set(a.ownerId, [a]);
  }
  const groupOf = new Map(team.members.map((m) => [m.userId, m.groupId]));
  const people = [
    ...new Set([
      ...team.members.map((m) => m.userId),
      ...[...byOwner.keys()].filter((id) => team.users.get(id)?.role === 'csm'),
    ]),
  ].filter((id) => team.users.get(id)?.active);
  const me = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  const visible = grant === 'all' ? people : people.filter((id) => id === me);
  const items = visible
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
  const groups =
    grant === 'all'
      ? team.groups
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
          })
      : [];
  const unavailable = [
    ...(npsField ? [] : [{ metric: 'nps', reason: 'no numeric account custom field `nps` is defined' }]),
  ];
  return { from, to, weights, currency: base, unavailable, items, groups, nextCursor: null };
}
