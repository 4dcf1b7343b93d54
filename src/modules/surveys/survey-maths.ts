// NPS and CSAT arithmetic, pure so the unit tests carry the rules. NPS (0-10): promoters 9-10,
// passives 7-8, detractors 0-6; NPS = % promoters - % detractors, -100..100. CSAT (1-5): the share
// of satisfied answers (4 or 5), 0..100, the usual "top-two-box" reading.

export const SURVEY_KINDS = ['nps', 'csat'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

/** The scale each kind is answered on. */
export const SCALE: Record<SurveyKind, { min: number; max: number }> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
};

export type NpsClass = 'promoter' | 'passive' | 'detractor';

export function npsClass(score: number): NpsClass {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

export const isDetractor = (kind: SurveyKind, score: number) => kind === 'nps' && score <= 6;

export type Summary = {
  responses: number;
  /** NPS (-100..100) or CSAT (0..100), one decimal; null without responses. */
  score: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  /** CSAT: answers of 4-5 (satisfied); NPS: promoters. */
  satisfied: number;
  /** The mean raw score (0-10 or 1-5), two decimals. */
  mean: number | null;
};

const round1 = (x: number) => Math.round(x * 10) / 10;

export function summarize(kind: SurveyKind, scores: readonly number[]): Summary {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  let satisfied = 0;
  let sum = 0;
  for (const s of scores) {
    sum += s;
    if (kind === 'nps') {
      const c = npsClass(s);
      if (c === 'promoter') promoters++;
      else if (c === 'passive') passives++;
      else detractors++;
    } else if (s >= 4) satisfied++;
  }
  const n = scores.length;
  if (kind === 'nps') satisfied = promoters;
  const score =
    n === 0
      ? null
      : kind === 'nps'
        ? round1((100 * (promoters - detractors)) / n)
        : round1((100 * satisfied) / n);
  return {
    responses: n,
    score,
    promoters,
    passives,
    detractors,
    satisfied,
    mean: n === 0 ? null : Math.round((sum / n) * 100) / 100,
  };
}

/** NPS of a set of scores, or null. */
export const nps = (scores: readonly number[]) => summarize('nps', scores).score;
/** CSAT (% satisfied) of a set of scores, or null. */
export const csat = (scores: readonly number[]) => summarize('csat', scores).score;

export type Interval = 'month' | 'quarter';

/** The period a day (YYYY-MM-DD) falls in: "2026-03" or "2026-Q1". */
export function periodOf(day: string, interval: Interval): string {
  const y = day.slice(0, 4);
  const m = Number(day.slice(5, 7));
  return interval === 'month' ? day.slice(0, 7) : `${y}-Q${Math.ceil(m / 3)}`;
}

/** Every period from `from` to `to` inclusive, in order (so a trend shows empty periods too). */
export function periodsBetween(from: string, to: string, interval: Interval): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const last = periodOf(to, interval);
  for (let guard = 0; guard < 600; guard++) {
    const p = periodOf(`${y}-${String(m).padStart(2, '0')}-01`, interval);
    if (out[out.length - 1] !== p) out.push(p);
    if (p === last) break;
    m += interval === 'month' ? 1 : 3;
    if (interval === 'quarter') m = Math.floor((m - 1) / 3) * 3 + 1;
    if (m > 12) {
      m -= 12;
      y++;
    }
  }
  return out;
}

/** Scores grouped by period, summarised; periods without answers carry a null score. */
export function trend(
  kind: SurveyKind,
  answers: readonly { day: string; score: number }[],
  from: string,
  to: string,
  interval: Interval,
): ({ period: string } & Summary)[] {
  const by = new Map<string, number[]>();
  for (const a of answers) {
    if (a.day < from || a.day > to) continue;
    const p = periodOf(a.day, interval);
    const list = by.get(p);
    if (list) list.push(a.score);
    else by.set(p, [a.score]);
  }
  return periodsBetween(from, to, interval).map((period) => ({
    period,
    ...summarize(kind, by.get(period) ?? []),
  }));
}

/**
 * Has the contact been asked within `days` before `now`? `lastAskedAt` is the latest send or
 * answer (ISO instant). Throttling compares instants, not days: "90 days" means 90 x 24 h.
 */
export function isThrottled(lastAskedAt: string | null | undefined, now: Date, days: number): boolean {
  if (!lastAskedAt || days <= 0) return false;
  return now.getTime() - new Date(lastAskedAt).getTime() < days * 86_400_000;
}

/** When the contact may be asked again. */
export function nextAskAt(lastAskedAt: string, days: number): string {
  return new Date(new Date(lastAskedAt).getTime() + days * 86_400_000).toISOString();
}
