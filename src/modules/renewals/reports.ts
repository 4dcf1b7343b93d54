// Revenue reports in the base currency. They read every contract of the workspace (a few per
// account): report pages, never lists, call them.
import type { Ctx } from '../../context.ts';
import { invalidField } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { addDays, today } from '../../time.ts';
import { fromMinor, loadContractSpans, readableAccountsView } from '../accounts/index.ts';
import { authorize, userNames } from '../auth/index.ts';
import { opportunitiesClosing } from '../expansion/index.ts';
import { type CurrentState, loadCurrentStates } from '../state/index.ts';
import { ArrQuery, ChurnQuery, ForecastQuery, MovementQuery, RetentionQuery } from './renewals.schemas.ts';
import { loadFilteredRenewals, loadRenewals } from './renewals.ts';
import { addMonths, arrAt, type ContractSpan, monthEnd, movement, periodOf, retention } from './revenue.ts';

export async function loadSpans(ctx: Ctx, accountIds?: readonly string[]): Promise<ContractSpan[]> {
  return loadContractSpans(ctx, accountIds);
}

/** Current ARR (as stored on accounts) grouped by tier, segment, owner, region or industry. */
export async function arrBreakdown({ ctx, input }: { ctx: Ctx; input: ArrQuery }) {
  await authorize(ctx, 'read');
  const q = ArrQuery.parse(input);
  const rows = await ctx.db
    .selectFrom(readableAccountsView(ctx).as('a'))
    .select(['a.id', 'a.arr_minor', 'a.owner_id', 'a.region', 'a.industry'])
    .where('a.arr_minor', '>', 0)
    .execute();
  // Owner names from auth: a handful of users, whichever way the accounts are grouped.
  const ownerNames =
    q.by === 'owner'
      ? await userNames(
          ctx,
          rows.flatMap((r) => (r.owner_id ? [r.owner_id] : [])),
        )
      : new Map<string, string>();
  // Tier and segments only when grouped by them: the current state of every account with ARR.
  const states =
    q.by === 'tier' || q.by === 'segment'
      ? await loadCurrentStates(ctx, null)
      : new Map<string, CurrentState>();
  const groups = new Map<string | null, { label: string; accounts: number; arr: number }>();
  let total = 0;
  const add = (key: string | null, label: string, arr: number) => {
    const g = groups.get(key) ?? { label, accounts: 0, arr: 0 };
    g.accounts++;
    g.arr += arr;
    groups.set(key, g);
  };
  for (const r of rows) {
    const arr = Number(r.arr_minor);
    total += arr;
    if (q.by === 'segment') {
      const segments = states.get(r.id)?.segments ?? [];
      if (!segments.length) add(null, '(no segment)', arr);
      for (const s of segments) add(s, s, arr);
    } else if (q.by === 'owner') add(r.owner_id, ownerNames.get(r.owner_id ?? '') ?? '(no owner)', arr);
    else if (q.by === 'tier') {
      const tier = states.get(r.id)?.tier ?? null;
      add(tier, tier ?? '(no tier)', arr);
    } else {
      const v = q.by === 'region' ? r.region : r.industry;
      add(v, v ?? `(no ${q.by})`, arr);
    }
  }
  const base = ctx.workspace.baseCurrency;
  return {
    day: today(ctx),
    by: q.by,
    currency: base,
    total: { accounts: rows.length, arr: fromMinor(total, base) },
    items: [...groups]
      .sort(([, a], [, b]) => b.arr - a.arr || (a.label < b.label ? -1 : 1))
      .map(([key, g]) => ({ key, label: g.label, accounts: g.accounts, arr: fromMinor(g.arr, base) })),
  };
}

function firstStarts(spans: readonly ContractSpan[]): Map<string, string> {
  const first = new Map<string, string>();
  for (const s of spans) {
    const f = first.get(s.accountId);
    if (!f || s.startDate < f) first.set(s.accountId, s.startDate);
  }
  return first;
}

/**
 * GRR and NRR per period (month, quarter or year; the current one so far), for all accounts with
 * ARR at the period's start, and per cohort (the year or quarter of the account's first contract).
 */
export async function retentionReport({ ctx, input }: { ctx: Ctx; input: RetentionQuery }) {
  await authorize(ctx, 'read');
  const q = RetentionQuery.parse(input);
  const spans = await loadSpans(ctx);
  const first = firstStarts(spans);
  const day = today(ctx);
  const base = ctx.workspace.baseCurrency;
  const periods: { label: string; first: string; last: string }[] = [];
  let cursor = periodOf(day, q.period);
  for (let i = 0; i < q.periods; i++) {
    periods.unshift(cursor);
    cursor = periodOf(addDays(cursor.first, -1), q.period);
  }
  const items = [];
  for (const p of periods) {
    const from = addDays(p.first, -1);
    const to = p.last < day ? p.last : day;
    const start = arrAt(spans, from);
    const end = arrAt(spans, to);
    const cohorts = new Map<string, (id: string) => boolean>([['all', () => true]]);
    if (q.cohort !== 'none') {
      const labels = new Set<string>();
      for (const id of start.keys()) labels.add(periodOf(first.get(id) ?? from, q.cohort).label);
      for (const label of [...labels].sort()) {
        cohorts.set(
          label,
          (id) => periodOf(first.get(id) ?? from, q.cohort as 'year' | 'quarter').label === label,
        );
      }
    }
    for (const [cohort, member] of cohorts) {
      const r = retention(start, end, member);
      items.push({
        period: p.label,
        from,
        to,
        cohort,
        accounts: r.accounts,
        startArr: fromMinor(r.startArr, base),
        endArr: fromMinor(r.endArr, base),
        expansion: fromMinor(r.expansion, base),
        contraction: fromMinor(r.contraction, base),
        churn: fromMinor(r.churn, base),
        grr: r.grr,
        nrr: r.nrr,
      });
    }
  }
  return { currency: base, items };
}

/** ARR movement per month: new, expansion, contraction and churn between month ends. */
export async function movementReport({ ctx, input }: { ctx: Ctx; input: MovementQuery }) {
  await authorize(ctx, 'read');
  const q = MovementQuery.parse(input);
  const day = today(ctx);
  const to = q.to ?? day.slice(0, 7);
  const from = q.from ?? addMonths(to, -11);
  if (from > to) {
    throw invalidField('from', msg('error.mustNotBeAfterTo'), 'query');
  }
  const spans = await loadSpans(ctx);
  const base = ctx.workspace.baseCurrency;
  const items = [];
  for (let m = from, n = 0; m <= to && n < 60; m = addMonths(m, 1), n++) {
    const end = monthEnd(m);
    const mv = movement(arrAt(spans, monthEnd(addMonths(m, -1))), arrAt(spans, end < day ? end : day));
    items.push({
      month: m,
      startArr: fromMinor(mv.startArr, base),
      new: fromMinor(mv.new, base),
      expansion: fromMinor(mv.expansion, base),
      contraction: fromMinor(mv.contraction, base),
      churn: fromMinor(mv.churn, base),
      endArr: fromMinor(mv.endArr, base),
    });
  }
  return { currency: base, items };
}

/** Renewals by month of their end date: ARR up, expected and probability-weighted, by risk and category. */
export async function forecastReport({ ctx, input }: { ctx: Ctx; input: ForecastQuery }) {
  await authorize(ctx, 'read');
  const q = ForecastQuery.parse(input);
  const day = today(ctx);
  const last = monthEnd(addMonths(day.slice(0, 7), q.months - 1));
  const loaded = await loadFilteredRenewals(ctx, { from: day, to: last }, q, day);
  const base = ctx.workspace.baseCurrency;
  const money = (x: number) => fromMinor(x, base);
  const expansion = await opportunitiesClosing(ctx, {
    from: day,
    to: last,
    ...(q.ownerId ? { ownerId: q.ownerId } : {}),
  });
  const items = [];
  for (let i = 0; i < q.months; i++) {
    const month = addMonths(day.slice(0, 7), i);
    const mine = loaded.filter((l) => l.renewal.endDate.startsWith(month));
    const opportunities = expansion.filter((o) => o.closeDate.startsWith(month));
    const byRisk = new Map<string, { contracts: number; arr: number; weighted: number }>();
    const byCategory = new Map<string, { contracts: number; arr: number }>();
    for (const l of mine) {
      const risk = l.renewal.healthStatus ?? 'none';
      const r = byRisk.get(risk) ?? { contracts: 0, arr: 0, weighted: 0 };
      r.contracts++;
      r.arr += l.arrMinor;
      r.weighted += l.weightedMinor;
      byRisk.set(risk, r);
      const c = byCategory.get(l.renewal.forecastCategory) ?? { contracts: 0, arr: 0 };
      c.contracts++;
      c.arr += l.arrMinor;
      byCategory.set(l.renewal.forecastCategory, c);
    }
    items.push({
      month,
      contracts: mine.length,
      arr: money(mine.reduce((s, l) => s + l.arrMinor, 0)),
      expectedArr: money(mine.reduce((s, l) => s + l.expectedMinor, 0)),
      weightedArr: money(mine.reduce((s, l) => s + l.weightedMinor, 0)),
      expansionOpportunities: opportunities.length,
      expansionArr: money(opportunities.reduce((s, o) => s + o.amountMinor, 0)),
      expansionWeightedArr: money(
        Math.round(opportunities.reduce((s, o) => s + o.amountMinor * o.probability, 0)),
      ),
      byRisk: [...byRisk]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([risk, r]) => ({
          risk,
          contracts: r.contracts,
          arr: money(r.arr),
          weightedArr: money(r.weighted),
        })),
      byCategory: [...byCategory]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([category, c]) => ({ category, contracts: c.contracts, arr: money(c.arr) })),
    });
  }
  return { currency: base, items };
}

/**
 * Closed renewals of contracts ending in the range: churned ARR by reason code (churn recorded
 * without a reason, e.g. imported, reads `unrecorded`), and expansion and downgrade amounts.
 */
export async function churnAndExpansion({ ctx, input }: { ctx: Ctx; input: ChurnQuery }) {
  await authorize(ctx, 'read');
  const q = ChurnQuery.parse(input);
  const day = today(ctx);
  const to = q.to ?? day;
  const from = q.from ?? addDays(to, -364);
  const loaded = (await loadRenewals(ctx, { from, to })).filter((l) => l.renewal.closed);
  const base = ctx.workspace.baseCurrency;
  const reasons = new Map<string, { contracts: number; arr: number }>();
  const expansion = { contracts: 0, arr: 0 };
  const downgrade = { contracts: 0, arr: 0 };
  for (const l of loaded) {
    if (l.renewal.stage === 'churned') {
      const key = l.renewal.churnReason ?? 'unrecorded';
      const r = reasons.get(key) ?? { contracts: 0, arr: 0 };
      r.contracts++;
      r.arr += l.arrMinor;
      reasons.set(key, r);
    } else if (l.renewal.stage === 'expanded') {
      expansion.contracts++;
      expansion.arr += l.expectedMinor - l.arrMinor;
    } else if (l.renewal.stage === 'downgraded') {
      downgrade.contracts++;
      downgrade.arr += l.arrMinor - l.expectedMinor;
    }
  }
  return {
    currency: base,
    from,
    to,
    churn: [...reasons]
      .sort(([, a], [, b]) => b.arr - a.arr)
      .map(([reason, r]) => ({ reason, contracts: r.contracts, arr: fromMinor(r.arr, base) })),
    expansion: { contracts: expansion.contracts, arr: fromMinor(expansion.arr, base) },
    downgrade: { contracts: downgrade.contracts, arr: fromMinor(downgrade.arr, base) },
  };
}
