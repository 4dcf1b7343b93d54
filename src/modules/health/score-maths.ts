// Health maths, pure: a model and an account's facts in, a 0-100 score with every component's
// part of it out. No database, so tests and the recompute pipeline call it directly.
import type { Facts } from '../facts/provider.ts';
import {
  type Component,
  type HealthModelSpec,
  type Normalisation,
  SENTIMENT_FACT,
  SENTIMENT_KEY,
  type StatusBand,
} from './health-model.schemas.ts';

/** Percentile rank 0-100 of `value` among the population's values of `fact`; null: no population. */
export type Population = (fact: string, value: number) => number | null;

/** The CSM's latest sentiment and how many days ago it was recorded (as of the scored day). */
export type SentimentInput = { score: number; ageDays: number };

export type ScoredComponent = {
  dimension: string;
  key: string;
  fact: string;
  raw: number;
  /** 0-100 after normalisation and direction. */
  normalised: number;
  /** The effective share of the score, after renormalising around missing values (sums to 1). */
  weight: number;
  /** Points of the 0-100 score: weight × normalised. The contributions add up to the score. */
  contribution: number;
};

export type HealthScore = {
  score: number | null;
  status: string | null;
  components: ScoredComponent[];
  /**
   * Components left out because their fact had no value (or no population to rank it in), or,
   * with `reason: 'no_data'`, because no account the model scores has any data for it.
   */
  missing: { dimension: string; key: string; fact: string; reason?: 'no_data' }[];
};

const round = (n: number, places: number) => {
  const f = 10 ** places;
  return Math.round(n * f) / f;
};
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** A fact's value when it is a usable number; anything else (null, NaN, a string) is missing. */
export function numericFact(facts: Facts, key: string): number | null {
  const v = facts[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A raw value as 0-100, or null when it cannot be placed (percentile without a population). */
export function normalise(
  n: Normalisation,
  direction: Component['direction'],
  fact: string,
  raw: number,
  population?: Population,
): number | null {
  let score: number | null;
  if (n.kind === 'bands') {
    // Bands already say what each range is worth, so direction does not apply to them.
    const band = n.bands.find((b) => b.upTo === null || raw <= b.upTo) ?? n.bands[n.bands.length - 1]!;
    return band.score;
  }
  if (n.kind === 'linear') score = (100 * clamp(raw - n.min, 0, n.max - n.min)) / (n.max - n.min);
  else {
    const p = population?.(fact, raw);
    score = p === null || p === undefined ? null : clamp(p, 0, 100);
  }
  if (score === null) return null;
  return direction === 'lower_better' ? 100 - score : score;
}

/** The first band (best first) whose min the score reaches; below them all, the last band. */
export function statusOf(bands: readonly StatusBand[], score: number | null): StatusBand | null {
  if (score === null || bands.length === 0) return null;
  return bands.find((b) => score >= b.min) ?? bands[bands.length - 1]!;
}

/**
 * The status with hysteresis: an account keeps its previous band while its score stays within
 * `margin` points of that band's range (below its min or above the next band's min), so a score
 * wobbling around a boundary does not flip the status each day. Only a real move (past the
 * boundary by more than the margin) changes it. Without a previous status in these bands, or with
 * margin 0, it is the score's band. A fixed point: applied again against its own result it
 * returns the same status, so rerunning a day changes nothing.
 */
export function statusWithHysteresis(
  bands: readonly StatusBand[],
  score: number | null,
  previous: string | null | undefined,
  margin: number | undefined,
): StatusBand | null {
  const plain = statusOf(bands, score);
  if (score === null || !plain || !previous || !margin || plain.key === previous) return plain;
  const i = bands.findIndex((b) => b.key === previous);
  if (i < 0) return plain;
  const last = i === bands.length - 1;
  const low = last ? Number.NEGATIVE_INFINITY : bands[i]!.min - margin;
  const high = i === 0 ? Number.POSITIVE_INFINITY : bands[i - 1]!.min + margin;
  return score >= low && score < high ? bands[i]! : plain;
}

/** 1 -> 0, 3 -> 50, 5 -> 100. */
export const sentimentToScore = (s: number) => (clamp(s, 1, 5) - 1) * 25;

/**
 * Scores one account. Components whose value is missing are left out and the weights of the rest
 * renormalised, within their dimension and then across dimensions, so an account without seats
 * data is judged on what is known rather than marked down; with nothing usable the score is null.
 * Contributions are rounded to 2 places and the score is their sum, so the parts add up exactly.
 */
export function scoreAccount(
  model: HealthModelSpec,
  facts: Facts,
  population?: Population,
  sentiment?: SentimentInput | null,
  options: {
    /** Facts no account the model scores has data for: their components are left out for all. */
    noData?: ReadonlySet<string>;
    /** The account's status before this score, for the model's hysteresis. */
    previousStatus?: string | null;
  } = {},
): HealthScore {
  type Part = { dimension: string; key: string; fact: string; raw: number; normalised: number; w: number };
  const groups: { weight: number; parts: Part[] }[] = [];
  const missing: HealthScore['missing'] = [];
  for (const d of model.dimensions) {
    const parts: Part[] = [];
    for (const c of d.components) {
      if (options.noData?.has(c.fact)) {
        missing.push({ dimension: d.key, key: c.key, fact: c.fact, reason: 'no_data' });
        continue;
      }
      const raw = numericFact(facts, c.fact);
      const normalised =
        raw === null ? null : normalise(c.normalisation, c.direction, c.fact, raw, population);
      if (raw === null || normalised === null) missing.push({ dimension: d.key, key: c.key, fact: c.fact });
      else parts.push({ dimension: d.key, key: c.key, fact: c.fact, raw, normalised, w: c.weight });
    }
    if (parts.length) groups.push({ weight: d.weight, parts });
  }
  if (model.sentiment) {
    const usable =
      sentiment &&
      Number.isFinite(sentiment.score) &&
      sentiment.ageDays >= 0 &&
      sentiment.ageDays < model.sentiment.expiresAfterDays;
    const part = { dimension: SENTIMENT_KEY, key: SENTIMENT_KEY, fact: SENTIMENT_FACT };
    if (usable) {
      groups.push({
        weight: model.sentiment.weight,
        parts: [{ ...part, raw: sentiment.score, normalised: sentimentToScore(sentiment.score), w: 1 }],
      });
    } else missing.push(part);
  }

  const totalWeight = groups.reduce((s, g) => s + g.weight, 0);
  const components: ScoredComponent[] = [];
  for (const g of groups) {
    const inner = g.parts.reduce((s, p) => s + p.w, 0);
    for (const p of g.parts) {
      const weight = (g.weight / totalWeight) * (p.w / inner);
      components.push({
        dimension: p.dimension,
        key: p.key,
        fact: p.fact,
        raw: p.raw,
        normalised: round(p.normalised, 2),
        weight: round(weight, 6),
        contribution: round(weight * p.normalised, 2),
      });
    }
  }
  if (!components.length) return { score: null, status: null, components, missing };
  const score = round(
    components.reduce((s, c) => s + c.contribution, 0),
    2,
  );
  const status = statusWithHysteresis(model.bands, score, options.previousStatus, model.hysteresis);
  return { score, status: status?.key ?? null, components, missing };
}

/**
 * Percentile ranks from the values each fact takes across a population of accounts, computed
 * once: ranks match `percentileRanks` in build-facts (ties count half, the account itself left
 * out, so the lowest value ranks 0 and the highest 100). Accounts without a value are not ranked.
 */
export function populationOf(accounts: Iterable<Facts>, facts: readonly string[]): Population {
  const sorted = new Map<string, number[]>();
  const list = [...accounts];
  for (const fact of new Set(facts)) {
    const values: number[] = [];
    for (const f of list) {
      const v = numericFact(f, fact);
      if (v !== null) values.push(v);
    }
    sorted.set(
      fact,
      values.sort((a, b) => a - b),
    );
  }
  return (fact, value) => {
    const values = sorted.get(fact);
    if (!values || values.length === 0) return null;
    const n = values.length;
    if (n === 1) return 50;
    const below = bound(values, value, false);
    const equal = bound(values, value, true) - below;
    // A value outside the population (a what-if) takes its mid-rank among all n instead.
    if (equal === 0) return (100 * below) / n;
    return (100 * (below + (equal - 1) / 2)) / (n - 1);
  };
}

/** Index of the first value >= v (or > v when `after`) in an ascending array. */
function bound(values: readonly number[], v: number, after: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < v || (after && values[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The facts of a model's components that carry no data among the accounts it scores: no account
 * has a value, or (among two or more) none other than 0. A count or total nothing feeds (no tickets connected, no events of a
 * metric) is 0 everywhere; scored, it would give every account the same 0, 50 (a percentile of
 * ties) or 100 and drag or prop every score alike. Left out, its weight goes to what is known.
 */
export function factsWithoutData(model: HealthModelSpec, accounts: readonly Facts[]): Set<string> {
  if (accounts.length === 0) return new Set();
  const facts = new Set(model.dimensions.flatMap((d) => d.components.map((c) => c.fact)));
  const without = (counts: (v: number) => boolean) =>
    new Set(
      [...facts].filter(
        (fact) =>
          !accounts.some((f) => {
            const v = numericFact(f, fact);
            return v !== null && counts(v);
          }),
      ),
    );
  // Zeros everywhere look like a source that feeds nothing, but a lone account's 0 cannot be told
  // from one, and when every component is all zeros (a quiet workspace, or its first days) the
  // zeros are what there is to score: leaving everything out would leave the accounts unscored.
  const empty = without(() => true);
  if (accounts.length === 1) return empty;
  const zeros = without((v) => v !== 0);
  return zeros.size === facts.size ? empty : zeros;
}

/** The facts a model ranks by percentile: what populationOf must collect. */
export const percentileFacts = (model: HealthModelSpec): string[] =>
  model.dimensions.flatMap((d) =>
    d.components.filter((c) => c.normalisation.kind === 'percentile').map((c) => c.fact),
  );

type Side = { raw: number; normalised: number; contribution: number } | null;
export type Movement = {
  dimension: string;
  key: string;
  fact: string;
  before: Side;
  after: Side;
  /** Points this component added to (or took from) the score; a missing side counts 0. */
  change: number;
};
export type Explanation = {
  scoreBefore: number | null;
  scoreAfter: number | null;
  /** null unless both scores exist; then it equals the sum of the movements' changes. */
  change: number | null;
  statusBefore: string | null;
  statusAfter: string | null;
  /** Every component of either score, biggest absolute change first: what moved it. */
  movedBy: Movement[];
};

type Explainable = Pick<HealthScore, 'score' | 'status' | 'components'>;

export function explain(current: Explainable, previous: Explainable): Explanation {
  const id = (c: { dimension: string; key: string }) => `${c.dimension}\u0000${c.key}`;
  const before = new Map(previous.components.map((c) => [id(c), c]));
  const after = new Map(current.components.map((c) => [id(c), c]));
  const side = (c: ScoredComponent | undefined): Side =>
    c ? { raw: c.raw, normalised: c.normalised, contribution: c.contribution } : null;
  const movedBy: Movement[] = [];
  for (const key of new Set([...after.keys(), ...before.keys()])) {
    const a = after.get(key);
    const b = before.get(key);
    const any = (a ?? b)!;
    movedBy.push({
      dimension: any.dimension,
      key: any.key,
      fact: any.fact,
      before: side(b),
      after: side(a),
      change: round((a?.contribution ?? 0) - (b?.contribution ?? 0), 2),
    });
  }
  movedBy.sort((x, y) => Math.abs(y.change) - Math.abs(x.change));
  return {
    scoreBefore: previous.score,
    scoreAfter: current.score,
    change:
      current.score === null || previous.score === null ? null : round(current.score - previous.score, 2),
    statusBefore: previous.status,
    statusAfter: current.status,
    movedBy,
  };
}
