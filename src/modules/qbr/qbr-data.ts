// The QBR report's data, assembled once and rendered as HTML or PDF. Each section is read through
// its owning module's exported helpers (metrics series, facts, health history and explanation,
// success plans and milestones, tickets, requests, survey results) and kept apart, so a section can
// be added without touching the others; a section the template leaves out is not read at all.
import type { Ctx } from '../../context.ts';
import { AppError, invalidField } from '../../errors.ts';
import { type Locale, msg } from '../../i18n/index.ts';
import { addDays, dayInZone, dayStart, daysBetween, today } from '../../time.ts';
import { getAccount } from '../accounts/index.ts';
import { authorize, userNames } from '../auth/index.ts';
import { type Facts, loadEvaluationBatch } from '../facts/index.ts';
import { getAccountHealth, getAccountHealthHistory } from '../health/index.ts';
import { getAccountMetricSeries, loadMetrics } from '../metrics/index.ts';
import { accountMilestones, listPlans, type SuccessPlan } from '../plans/index.ts';
import { ListRequests, listRequests } from '../requests/index.ts';
import { listAccountTickets, OPEN_TICKET_STATUSES, type Ticket } from '../support/index.ts';
import { listResponses, surveyResults } from '../surveys/index.ts';
import { getTask } from '../tasks/index.ts';
import { loadQbrSettings } from './qbr-settings.ts';
import { computeRoi, type Roi } from './roi.ts';
import {
  QBR_SECTIONS,
  type QbrSection,
  type QbrTemplate,
  TEMPLATE_SPECS,
  type TemplateSpec,
  templateForTier,
} from './templates.ts';

export type QbrInput = {
  from?: string;
  to?: string;
  locale?: Locale;
  /** Default: the workspace's QBR settings for the account's tier. */
  template?: QbrTemplate;
  /** The sections to include instead of the template's (the summary is always first). */
  sections?: readonly QbrSection[];
  /** The cost of one working hour in the base currency: values the time KPIs in the ROI (default: the settings'). */
  hourlyCost?: number;
};

/** The quarter after the period: the plan's open objectives and the steps due in it. */
export const NEXT_QUARTER_DAYS = 90;

type Num = number | null;
type Change = { from: Num; to: Num };

export type QbrReport = {
  locale: Locale;
  template: QbrTemplate;
  sections: readonly QbrSection[];
  generatedAt: string;
  period: { from: string; to: string; days: number };
  account: {
    id: string;
    name: string;
    externalId: string;
    tier: string | null;
    stage: string | null;
    owner: string | null;
    arr: number | null;
    currency: string;
    renewalDate: string | null;
  };
  usage: {
    metrics: {
      key: string;
      name: string;
      total: number;
      previousTotal: number;
      /** Fractional change against the same-length period before; null when that was 0. */
      change: Num;
      points: { start: string; value: number }[];
    }[];
  };
  adoption: { breadth: Change; depth: Change; activeUsers30d: Change; featuresUsed30d: Change };
  health: {
    points: { day: string; score: number }[];
    start: Num;
    end: Num;
    status: string | null;
    /** Components of today's score: what holds it up (largest contribution) and what pulls it down (largest gap). */
    strengths: { name: string; score: number }[];
    gaps: { name: string; score: number }[];
  };
  requests: {
    items: { number: number; title: string; status: string; closedAt: string | null }[];
    shipped: number;
    open: number;
  };
  voice: {
    nps: {
      score: Num;
      responses: number;
      previous: Num;
      promoters: number;
      passives: number;
      detractors: number;
    };
    csat: { score: Num; responses: number };
    trend: { period: string; score: Num; responses: number }[];
    comments: { day: string; kind: string; score: number; text: string }[];
  };
  kpis: {
    items: {
      plan: string;
      objective: string;
      name: string;
      unit: string;
      direction: 'increase' | 'decrease';
      baseline: Num;
      /** The value at the period's start (the day before `from`). */
      start: Num;
      /** The value at the period's end. */
      current: Num;
      currentDay: string | null;
      target: number;
      progress: Num;
      onTrack: boolean;
    }[];
    /** KPIs counted (cancelled objectives left out), of which on track, and the plans' mean progress. */
    total: number;
    onTrack: number;
    planProgress: Num;
    plans: number;
  };
  roi: Roi;
  milestones: {
    /** False without a go-live date: the journey has not started. */
    started: boolean;
    items: {
      name: string;
      dueDay: number;
      dueDate: string | null;
      status: string | null;
      achievedOn: string | null;
    }[];
    achieved: number;
    due: number;
    late: number;
  };
  tickets: {
    opened: number;
    solved: number;
    /** Open at the period's end. */
    open: number;
    escalated: number;
    medianResolutionHours: Num;
    satisfaction: Num;
    items: {
      subject: string;
      status: string;
      priority: string;
      openedDay: string;
      solvedDay: string | null;
    }[];
  };
  nextQuarter: {
    from: string;
    to: string;
    objectives: {
      plan: string;
      title: string;
      owner: string | null;
      dueDate: string | null;
      status: string;
      progress: Num;
      /** Due before the next quarter starts and still open. */
      overdue: boolean;
    }[];
    steps: {
      plan: string;
      objective: string;
      title: string;
      dueDate: string;
      /** The step's task's status; null when the step has no task (or the reader may not see it). */
      taskStatus: string | null;
    }[];
  };
};

const num = (v: unknown): Num => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const round = (x: number, places = 4) => Math.round(x * 10 ** places) / 10 ** places;

/** The default period: the last full quarter's length, 90 days up to today. */
export async function assembleQbr({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: QbrInput;
}): Promise<QbrReport> {
  await authorize(ctx, 'read');
  const account = await getAccount({ ctx, id: accountId });
  const to = input.to ?? today(ctx);
  const from = input.from ?? addDays(to, -89);
  if (from > to) throw invalidField('from', msg('error.mustNotBeAfterTo'), 'query');
  if (daysBetween(from, to) > 366)
    throw invalidField('from', msg('error.atMostDaysAtATime', { days: 366 }), 'query');
  const days = daysBetween(from, to) + 1;
  const locale: Locale = input.locale ?? ctx.locale ?? 'en';
  const rctx: Ctx = { ...ctx, locale };

  const factsAt = async (day: string): Promise<Facts> =>
    (await loadEvaluationBatch(rctx, day, [], { accountIds: [accountId] })).facts.get(accountId) ?? {};
  const [start, end] = [await factsAt(addDays(from, -1)), await factsAt(to)];
  const tier = (end.tier as string | null) ?? null;
  // The workspace's settings fill in what the request leaves out; a request's own value wins.
  const settings = await loadQbrSettings(ctx);
  const template = input.template ?? templateForTier(tier, settings);
  const spec = TEMPLATE_SPECS[template];
  const sections: readonly QbrSection[] = input.sections
    ? QBR_SECTIONS.filter((s) => s === 'summary' || input.sections!.includes(s))
    : spec.sections;
  const has = (s: QbrSection) => sections.includes(s);
  const owner = account.ownerId
    ? ((await userNames(rctx, [account.ownerId])).get(account.ownerId) ?? null)
    : null;
  const arr = num(end.arr);
  const needPlans = has('kpis') || has('roi') || has('nextQuarter');
  const [plansAtEnd, plansAtStart] = needPlans
    ? [await listPlans(rctx, accountId, to), await listPlans(rctx, accountId, addDays(from, -1))]
    : [[], []];
  // KPIs and ROI read the plans running by the period's end; archived plans are set aside.
  const counted = plansAtEnd.filter((p) => p.status !== 'archived' && p.startDate <= to);
  const kpis = kpiSection(counted, plansAtStart, spec);

  return {
    locale,
    template,
    sections,
    generatedAt: ctx.now().toISOString(),
    period: { from, to, days },
    account: {
      id: account.id,
      name: account.name,
      externalId: account.externalId,
      tier,
      stage: (end.stage as string | null) ?? null,
      owner,
      arr,
      currency: ctx.workspace.baseCurrency,
      renewalDate: (end.renewal_date as string | null) ?? null,
    },
    usage: await usageSection(rctx, accountId, from, to, days, spec.maxMetrics),
    adoption: {
      breadth: { from: num(start.breadth), to: num(end.breadth) },
      depth: { from: num(start.depth), to: num(end.depth) },
      activeUsers30d: { from: num(start.active_users_30d), to: num(end.active_users_30d) },
      featuresUsed30d: { from: num(start.features_used_30d), to: num(end.features_used_30d) },
    },
    health: await healthSection(rctx, accountId, from, to, spec.maxDrivers),
    requests: await requestsSection(rctx, accountId, has('requests') ? spec.maxRequests : 0),
    voice: await voiceSection(rctx, accountId, from, to, spec.maxComments),
    kpis: kpis.section,
    roi: computeRoi(kpis.all, {
      baseCurrency: ctx.workspace.baseCurrency,
      arr,
      hourlyCost: input.hourlyCost ?? settings.hourlyCost,
    }),
    milestones: has('milestones')
      ? await milestonesSection(rctx, accountId, to)
      : { started: false, items: [], achieved: 0, due: 0, late: 0 },
    tickets: has('tickets')
      ? await ticketsSection(rctx, accountId, from, to, spec.maxTickets)
      : emptyTickets(),
    nextQuarter: await nextQuarterSection(rctx, has('nextQuarter') ? plansAtEnd : [], to, spec.maxNext),
  };
}

/** Every KPI of the counted plans as of the period's end, with its value at the start beside it. */
function kpiSection(plans: readonly SuccessPlan[], atStart: readonly SuccessPlan[], spec: TemplateSpec) {
  const startValue = new Map<string, number | null>();
  for (const p of atStart)
    for (const o of p.objectives) for (const k of o.kpis) startValue.set(k.id, k.current);
  const items: QbrReport['kpis']['items'] = [];
  let total = 0;
  let onTrack = 0;
  for (const p of plans) {
    total += p.kpisTotal;
    onTrack += p.kpisOnTrack;
    for (const o of p.objectives) {
      if (o.status === 'cancelled') continue;
      for (const k of o.kpis)
        items.push({
          plan: p.name,
          objective: o.title,
          name: k.name,
          unit: k.unit,
          direction: k.direction,
          baseline: k.baseline,
          start: startValue.get(k.id) ?? null,
          current: k.current,
          currentDay: k.currentDay,
          target: k.target,
          progress: k.progress === null ? null : round(k.progress),
          onTrack: k.onTrack,
        });
    }
  }
  const progresses = plans.map((p) => p.progress).filter((x): x is number => x !== null);
  return {
    all: items,
    section: {
      items: items.slice(0, spec.maxKpis),
      total,
      onTrack,
      planProgress: progresses.length
        ? round(progresses.reduce((a, b) => a + b, 0) / progresses.length)
        : null,
      plans: plans.length,
    },
  };
}

async function milestonesSection(ctx: Ctx, accountId: string, to: string): Promise<QbrReport['milestones']> {
  const items = await accountMilestones(ctx, accountId, to);
  const count = (s: string) => items.filter((m) => m.status === s).length;
  return {
    started: items.some((m) => m.status !== null),
    items: items.map((m) => ({
      name: m.name,
      dueDay: m.dueDay,
      dueDate: m.dueDate,
      status: m.status,
      achievedOn: m.achievedOn,
    })),
    achieved: count('achieved'),
    due: count('due'),
    late: count('late'),
  };
}

const emptyTickets = (): QbrReport['tickets'] => ({
  opened: 0,
  solved: 0,
  open: 0,
  escalated: 0,
  medianResolutionHours: null,
  satisfaction: null,
  items: [],
});

/** How far before the period a ticket may have been opened and still count (solved in the period). */
const TICKET_LOOKBACK_DAYS = 180;

/**
 * Tickets opened or solved in the period, or open at its end: read newest first through the support
 * module's list, page by page, until the pages reach tickets opened well before the period.
 */
async function ticketsSection(
  ctx: Ctx,
  accountId: string,
  from: string,
  to: string,
  max: number,
): Promise<QbrReport['tickets']> {
  const zone = ctx.workspace.timeZone;
  const start = dayStart(from, zone);
  const end = dayStart(addDays(to, 1), zone);
  const floor = dayStart(addDays(from, -TICKET_LOOKBACK_DAYS), zone);
  const seen: Ticket[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const res = await listAccountTickets({
      ctx,
      accountId,
      input: { limit: 200, status: 'all', ...(cursor ? { cursor } : {}) },
    });
    seen.push(...res.items);
    const last = res.items.at(-1);
    if (!res.nextCursor || !last || last.openedAt < floor) break;
    cursor = res.nextCursor;
  }
  const inPeriod = (at: string | null) => at !== null && at >= start && at < end;
  const openAtEnd = (t: Ticket) => t.openedAt < end && (t.solvedAt === null || t.solvedAt >= end);
  const relevant = seen.filter((t) => inPeriod(t.openedAt) || inPeriod(t.solvedAt) || openAtEnd(t));
  const solved = relevant.filter((t) => inPeriod(t.solvedAt));
  const rated = solved.filter((t) => t.satisfaction !== null);
  const hours = solved
    .map((t) => (Date.parse(t.solvedAt!) - Date.parse(t.openedAt)) / 3_600_000)
    .sort((a, b) => a - b);
  const mid = Math.floor(hours.length / 2);
  const median = !hours.length ? null : hours.length % 2 ? hours[mid]! : (hours[mid - 1]! + hours[mid]!) / 2;
  const day = (at: string) => dayInZone(new Date(at), zone);
  // Open ones first (what is still in hand), then the newest.
  const ordered = [...relevant].sort(
    (a, b) => Number(openAtEnd(b)) - Number(openAtEnd(a)) || (a.openedAt < b.openedAt ? 1 : -1),
  );
  return {
    opened: relevant.filter((t) => inPeriod(t.openedAt)).length,
    solved: solved.length,
    open: relevant.filter(openAtEnd).length,
    escalated: relevant.filter((t) => inPeriod(t.openedAt) && t.escalated).length,
    medianResolutionHours: median === null ? null : round(median, 1),
    satisfaction: rated.length
      ? round(rated.reduce((s, t) => s + t.satisfaction!, 0) / rated.length, 2)
      : null,
    items: ordered.slice(0, max).map((t) => ({
      subject: t.subject,
      status: openAtEnd(t) && !OPEN_TICKET_STATUSES.includes(t.status) ? 'open' : t.status,
      priority: t.priority,
      openedDay: day(t.openedAt),
      solvedDay: t.solvedAt && t.solvedAt < end ? day(t.solvedAt) : null,
    })),
  };
}

/** The next quarter: open objectives of the active plans (overdue ones flagged) and the steps due in it. */
async function nextQuarterSection(
  ctx: Ctx,
  plans: readonly SuccessPlan[],
  to: string,
  max: number,
): Promise<QbrReport['nextQuarter']> {
  const from = addDays(to, 1);
  const until = addDays(to, NEXT_QUARTER_DAYS);
  const objectives: QbrReport['nextQuarter']['objectives'] = [];
  const steps: (QbrReport['nextQuarter']['steps'][number] & { taskId: string | null })[] = [];
  for (const p of plans) {
    if (p.status !== 'active') continue;
    for (const o of p.objectives) {
      if (o.status === 'done' || o.status === 'cancelled') continue;
      objectives.push({
        plan: p.name,
        title: o.title,
        owner: o.ownerName,
        dueDate: o.dueDate,
        status: o.status,
        progress: o.progress === null ? null : round(o.progress),
        overdue: o.dueDate !== null && o.dueDate < from,
      });
      for (const s of o.steps)
        if (s.dueDate && s.dueDate >= from && s.dueDate <= until)
          steps.push({
            plan: p.name,
            objective: o.title,
            title: s.title,
            dueDate: s.dueDate,
            taskId: s.taskId,
            taskStatus: null,
          });
    }
  }
  objectives.sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
  steps.sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const shownSteps: QbrReport['nextQuarter']['steps'] = [];
  for (const { taskId, ...s } of steps.slice(0, max)) {
    shownSteps.push(s);
    if (!taskId) continue;
    try {
      s.taskStatus = (await getTask({ ctx, id: taskId })).status;
    } catch (e) {
      // A task the reader may not see (or deleted since) reads as no task.
      if (!(e instanceof AppError && e.code === 'not_found')) throw e;
    }
  }
  return { from, to: until, objectives: objectives.slice(0, max), steps: shownSteps };
}

/** Value behaviours (basic ones only when no metric is a value behaviour), monthly, with the change. */
async function usageSection(
  ctx: Ctx,
  accountId: string,
  from: string,
  to: string,
  days: number,
  max: number,
) {
  const metrics = await loadMetrics(ctx);
  const value = metrics.filter((m) => m.behaviour === 'value');
  const chosen = (value.length ? value : metrics).slice(0, max);
  const out: QbrReport['usage']['metrics'] = [];
  for (const m of chosen) {
    const series = await getAccountMetricSeries({
      ctx,
      accountId,
      metric: m.key,
      input: { from, to, interval: 'month' },
    });
    const before = await getAccountMetricSeries({
      ctx,
      accountId,
      metric: m.key,
      input: { from: addDays(from, -days), to: addDays(from, -1), interval: 'month' },
    });
    out.push({
      key: m.key,
      name: m.name,
      total: series.total,
      previousTotal: before.total,
      change: before.total === 0 ? null : round((series.total - before.total) / before.total),
      points: series.points.map((p) => ({ start: p.start, value: p.value })),
    });
  }
  return { metrics: out };
}

async function healthSection(ctx: Ctx, accountId: string, from: string, to: string, max: number) {
  const history = await getAccountHealthHistory({ ctx, accountId, input: { from, to } });
  const points = history.items
    .filter((i): i is typeof i & { score: number } => i.score !== null)
    .map((i) => ({ day: i.day, score: i.score }));
  const current = await getAccountHealth({ ctx, accountId });
  // Each component's own 0-100 score: the strongest hold the health up, the weakest pull it down.
  const parts = current.components
    .map((c) => ({ name: c.name ?? c.key, score: Math.round(c.normalised) }))
    .sort((a, b) => b.score - a.score);
  return {
    points,
    start: points[0]?.score ?? null,
    end: points[points.length - 1]?.score ?? current.score,
    status: current.status,
    strengths: parts.filter((p) => p.score >= 60).slice(0, max),
    gaps: parts
      .filter((p) => p.score < 60)
      .reverse()
      .slice(0, max),
  };
}

/** The account's requests, shipped ones first (what the customer asked for and got), then open ones. */
async function requestsSection(ctx: Ctx, accountId: string, max: number) {
  if (max === 0) return { items: [], shipped: 0, open: 0 };
  const page = await listRequests({ ctx, input: ListRequests.parse({ accountId, limit: 200 }) });
  const rank = (s: string) => (s === 'shipped' ? 0 : s === 'declined' ? 2 : 1);
  const all = page.items
    .map((r) => ({ number: r.number, title: r.title, status: r.status, closedAt: r.closedAt }))
    .sort((a, b) => rank(a.status) - rank(b.status) || b.number - a.number);
  return {
    items: all.slice(0, max),
    shipped: all.filter((r) => r.status === 'shipped').length,
    open: all.filter((r) => rank(r.status) === 1).length,
  };
}

async function voiceSection(ctx: Ctx, accountId: string, from: string, to: string, maxComments: number) {
  const nps = await surveyResults({ ctx, input: { kind: 'nps', accountId, from, to, interval: 'month' } });
  const csat = await surveyResults({ ctx, input: { kind: 'csat', accountId, from, to, interval: 'month' } });
  const answers = await listResponses({ ctx, input: { accountId, from, to, limit: 50 } });
  return {
    nps: {
      score: nps.overall.score,
      responses: nps.overall.responses,
      previous: nps.previous.score,
      promoters: nps.overall.promoters,
      passives: nps.overall.passives,
      detractors: nps.overall.detractors,
    },
    csat: { score: csat.overall.score, responses: csat.overall.responses },
    trend: nps.trend.map((p) => ({ period: p.period, score: p.score, responses: p.responses })),
    comments: answers.items
      .filter((a) => a.comment)
      .slice(0, maxComments)
      .map((a) => ({ day: a.answeredDay, kind: a.kind, score: a.score, text: a.comment! })),
  };
}
