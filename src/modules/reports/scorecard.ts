// Scorecard arithmetic (seed 003 section 3): outcome and process metrics turned into 0-1 parts,
// averaged per side, combined with weights (default 60% outcome, 40% process). Pure; tested in
// scorecard.test.ts.

/** What "full marks" means for metrics that are not already a share. */
export const TARGETS = {
  /** NRR of 110% or more scores 1. */
  nrr: 1.1,
  /** Expansion of 10% of starting ARR in the period scores 1. */
  expansionRate: 0.1,
} as const;

export type Metrics = {
  renewalRateCount: number | null;
  renewalRateArr: number | null;
  nrr: number | null;
  nps: number | null;
  expansionArr: number;
  startArr: number;
  /** Mean over accounts of min(1, touches / touches the cadence expects). */
  cadenceAttainment: number | null;
  tasksOnTime: number | null;
  dangerWithPlan: number | null;
  /** Share of scored accounts whose health did not fall. */
  healthImproved: number | null;
};

export type Parts = Record<string, number>;

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export function outcomeParts(m: Metrics): Parts {
  const parts: Parts = {};
  if (m.renewalRateArr !== null) parts.renewalRate = m.renewalRateArr;
  if (m.nrr !== null) parts.nrr = clamp01(m.nrr / TARGETS.nrr);
  if (m.nps !== null) parts.nps = clamp01((m.nps + 100) / 200);
  if (m.startArr > 0) parts.expansion = clamp01(m.expansionArr / m.startArr / TARGETS.expansionRate);
  return parts;
}

export function processParts(m: Metrics): Parts {
  const parts: Parts = {};
  if (m.cadenceAttainment !== null) parts.touches = m.cadenceAttainment;
  if (m.tasksOnTime !== null) parts.tasksOnTime = m.tasksOnTime;
  if (m.dangerWithPlan !== null) parts.dangerWithPlan = m.dangerWithPlan;
  if (m.healthImproved !== null) parts.healthImproved = m.healthImproved;
  return parts;
}

const mean = (p: Parts) => {
  const v = Object.values(p);
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
};

/**
 * 0-100. Each side is the mean of its available parts; a side with nothing to measure drops out
 * and the other carries the whole weight (a new CSM with no renewals yet is judged on process).
 */
export function combine(m: Metrics, weights: { outcome: number; process: number }) {
  const outcome = mean(outcomeParts(m));
  const process = mean(processParts(m));
  let score: number | null = null;
  if (outcome !== null && process !== null) score = weights.outcome * outcome + weights.process * process;
  else score = outcome ?? process;
  const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
  return { outcome: pct(outcome), process: pct(process), score: pct(score) };
}

/** Touches the cadence expects of one account in a period: at least one. */
export function expectedTouches(periodDays: number, cadenceDays: number): number {
  return Math.max(1, periodDays / cadenceDays);
}
