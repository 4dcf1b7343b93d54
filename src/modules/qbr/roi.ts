// The QBR's ROI section, computed from the success plans' KPIs and nothing else: a KPI whose unit is
// money (CNY, 元, 万元, ¥, USD...) or working time (hours, 小时, 工时, person-days...) has its
// improvement against its baseline valued; a unit with a period (per month, /月...) is annualised.
// Time is valued in money only with an hourly cost the reader gives. The value in the workspace's
// currency is set against the account's ARR (what the customer pays a year). Pure: the view states
// every figure's arithmetic from the numbers kept here.

export type UnitPeriod = 'year' | 'quarter' | 'month' | 'week' | 'day';
export const PER_YEAR: Record<UnitPeriod, number> = { year: 1, quarter: 4, month: 12, week: 52, day: 365 };

export type KpiUnit =
  | { kind: 'money'; currency: string /** 万元 is 10000 元. */; scale: number; period: UnitPeriod | null }
  | { kind: 'time' /** Hours in one unit (a person-day is 8). */; hours: number; period: UnitPeriod | null }
  | { kind: 'other' };

const PERIODS: [RegExp, UnitPeriod][] = [
  [/^(year|yr|annum|a|年|年度)$/i, 'year'],
  [/^(quarter|qtr|q|季|季度)$/i, 'quarter'],
  [/^(month|mo|mth|月)$/i, 'month'],
  [/^(week|wk|周|星期)$/i, 'week'],
  [/^(day|d|天|日)$/i, 'day'],
];
const CURRENCIES: [RegExp, string, number][] = [
  [/^(万元|万|万人民币|万rmb|万cny)$/i, 'CNY', 10_000],
  [/^(千元|k\s*cny|k\s*rmb)$/i, 'CNY', 1000],
  [/^(cny|rmb|元|人民币|¥|￥|yuan)$/i, 'CNY', 1],
  [/^(usd|\$|us\$|美元|dollars?)$/i, 'USD', 1],
  [/^(eur|€|欧元|euros?)$/i, 'EUR', 1],
  [/^(hkd|hk\$|港元|港币)$/i, 'HKD', 1],
  [/^(gbp|£|英镑)$/i, 'GBP', 1],
  [/^(jpy|日元|円)$/i, 'JPY', 1],
  [/^(sgd|s\$|新加坡元)$/i, 'SGD', 1],
];
// Plain "days" is left out on purpose: the starter templates use it for calendar spans (time to
// first value) and counts (active days in 30), neither of which is labour saved.
const TIMES: [RegExp, number][] = [
  [/^(hours?|hrs?|h|小时|工时|人时|person[-\s]?hours?|man[-\s]?hours?)$/i, 1],
  [/^(minutes?|mins?|分钟|分)$/i, 1 / 60],
  [/^(person[-\s]?days?|man[-\s]?days?|人天|人日|工作日)$/i, 8],
];

/** What a KPI's free-text unit measures: money, working time, or something not valued. */
export function parseKpiUnit(unit: string): KpiUnit {
  let base = unit.trim();
  let period: UnitPeriod | null = null;
  // "CNY/month", "hours per week", "元/月", "小时每月"; or the period first: "每月小时".
  const suffix = base.match(/^(.+?)\s*(?:\/|\s+per\s+|每)\s*(\S+)$/i);
  const prefix = base.match(/^每\s*(季度|[年季月周天日])\s*(.+)$/);
  const [head, tail] = prefix ? [prefix[2]!, prefix[1]!] : suffix ? [suffix[1]!, suffix[2]!] : [base, ''];
  const p = PERIODS.find(([re]) => re.test(tail));
  if (p) {
    period = p[1];
    base = head.trim();
  }
  for (const [re, currency, scale] of CURRENCIES)
    if (re.test(base)) return { kind: 'money', currency, scale, period };
  for (const [re, hours] of TIMES) if (re.test(base)) return { kind: 'time', hours, period };
  return { kind: 'other' };
}

export type RoiKpi = {
  name: string;
  unit: string;
  direction: 'increase' | 'decrease';
  baseline: number | null;
  current: number | null;
};

export type RoiLine =
  | {
      kind: 'money';
      name: string;
      unit: string;
      baseline: number;
      current: number;
      /** In the KPI's unit: current - baseline, or baseline - current for a KPI that should fall. */
      improvement: number;
      currency: string;
      scale: number;
      perYear: number | null;
      /** improvement x scale x perYear (a year's worth when the unit has a period). */
      value: number;
    }
  | {
      kind: 'time';
      name: string;
      unit: string;
      baseline: number;
      current: number;
      improvement: number;
      hoursPerUnit: number;
      perYear: number | null;
      hours: number;
      /** hours x hourlyCost, in the base currency; null without an hourly cost. */
      value: number | null;
    }
  | {
      /** A KPI that moved but whose unit is neither money nor time: reported, not valued. */
      kind: 'unvalued';
      name: string;
      unit: string;
      baseline: number;
      current: number;
      improvement: number;
    }
  | { kind: 'missing'; name: string; unit: string; reason: 'noBaseline' | 'noCurrent' };

export type Roi = {
  lines: RoiLine[];
  baseCurrency: string;
  hourlyCost: number | null;
  /** Sum of the valued lines in the base currency (money in it, and time at the hourly cost); null when none. */
  valueBase: number | null;
  /** Money lines in other currencies, summed per currency (not set against ARR). */
  otherCurrencies: { currency: string; value: number }[];
  /** Working hours saved (a year's worth for units with a period); null when no time KPI. */
  hours: number | null;
  arr: number | null;
  /** valueBase / arr; null when either is missing or ARR is 0. */
  ratio: number | null;
};

const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places;

/** The ROI of the KPIs: each line's value with its factors, the totals, and value ÷ ARR. */
export function computeRoi(
  kpis: readonly RoiKpi[],
  o: { baseCurrency: string; arr: number | null; hourlyCost: number | null },
): Roi {
  const lines: RoiLine[] = [];
  for (const k of kpis) {
    if (k.baseline === null) {
      lines.push({ kind: 'missing', name: k.name, unit: k.unit, reason: 'noBaseline' });
      continue;
    }
    if (k.current === null) {
      lines.push({ kind: 'missing', name: k.name, unit: k.unit, reason: 'noCurrent' });
      continue;
    }
    const improvement = round(
      k.direction === 'increase' ? k.current - k.baseline : k.baseline - k.current,
      6,
    );
    const u = parseKpiUnit(k.unit);
    const common = { name: k.name, unit: k.unit, baseline: k.baseline, current: k.current, improvement };
    if (u.kind === 'money') {
      const perYear = u.period ? PER_YEAR[u.period] : null;
      lines.push({
        kind: 'money',
        ...common,
        currency: u.currency,
        scale: u.scale,
        perYear,
        value: round(improvement * u.scale * (perYear ?? 1)),
      });
    } else if (u.kind === 'time') {
      const perYear = u.period ? PER_YEAR[u.period] : null;
      const hours = round(improvement * u.hours * (perYear ?? 1));
      lines.push({
        kind: 'time',
        ...common,
        hoursPerUnit: u.hours,
        perYear,
        hours,
        value: o.hourlyCost === null ? null : round(hours * o.hourlyCost),
      });
    } else lines.push({ kind: 'unvalued', ...common });
  }
  let valueBase: number | null = null;
  const others = new Map<string, number>();
  let hours: number | null = null;
  for (const l of lines) {
    if (l.kind === 'money') {
      if (l.currency === o.baseCurrency) valueBase = (valueBase ?? 0) + l.value;
      else others.set(l.currency, (others.get(l.currency) ?? 0) + l.value);
    }
    if (l.kind === 'time') {
      hours = (hours ?? 0) + l.hours;
      if (l.value !== null) valueBase = (valueBase ?? 0) + l.value;
    }
  }
  valueBase = valueBase === null ? null : round(valueBase);
  return {
    lines,
    baseCurrency: o.baseCurrency,
    hourlyCost: o.hourlyCost,
    valueBase,
    otherCurrencies: [...others].map(([currency, value]) => ({ currency, value: round(value) })),
    hours: hours === null ? null : round(hours),
    arr: o.arr,
    ratio: valueBase !== null && o.arr !== null && o.arr > 0 ? round(valueBase / o.arr, 4) : null,
  };
}
