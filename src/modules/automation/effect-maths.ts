// The maths of "did acting help?", pure: observations in, lift and its interval out. An observation
// is one account in one run of a rule: acted on, or eligible that run and not acted on (held out,
// cooldown, limit), with how its health moved over the horizon. Accounts are compared only within
// a stratum (the same run, so the same rule and day; the same tier and stage; the same score
// band), so a rule that picks sick accounts is compared with other sick accounts it could have
// picked, never with accounts it could not (the churned ones the old comparison used).
import { bootstrap } from '../churn/index.ts';

export const CONTROL_REASONS = ['holdout', 'cooldown', 'limit'] as const;
export type ControlReason = (typeof CONTROL_REASONS)[number];

export type Observation = {
  account: string;
  /** Run, tier, stage and score band: only observations with the same stratum are compared. */
  stratum: string;
  outcome: 'act' | ControlReason;
  /** Health score after the horizon minus the score on the run's day. */
  change: number;
};

/** Below these no lift is shown: an interval from a handful of accounts says nothing. */
export const MIN_CONTROL_ACCOUNTS = 20;
export const MIN_PAIRS = 5;

/** Why no lift is shown: no eligible account was left untreated, too few were, too few pairs. */
export type Withheld = 'no_control' | 'few_controls' | 'few_pairs';

export type LiftResult = {
  /** Acted-on observations measured over the horizon. */
  n: number;
  /** Acted-on observations with at least one control in their stratum. */
  pairs: number;
  /** Mean change of the paired acted-on observations. */
  acted: number | null;
  /** Mean, over the pairs, of the stratum's control mean. */
  control: number | null;
  /** Control observations in strata with an acted-on one, and their distinct accounts. */
  controlN: number;
  controlAccounts: number;
  /** The control observations by why they were not acted on. */
  reasons: Record<ControlReason, number>;
  /** acted - control, and its bootstrap 95% interval; null when withheld. */
  lift: number | null;
  low: number | null;
  high: number | null;
  withheld: Withheld | null;
};

const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

/** The stratum's key: the run (same rule, same time), tier, stage and the score's band. */
export function stratumKey(
  runId: string,
  tier: string | null,
  stage: string | null,
  score: number | null,
  band: number,
) {
  const bin = score === null ? 'none' : String(Math.floor(score / band));
  return `${runId}\u0000${tier ?? ''}\u0000${stage ?? ''}\u0000${bin}`;
}

type Stratum = { acted: { a: number; change: number }[]; control: { a: number; change: number }[] };

/**
 * Lift = mean change of acted-on accounts - mean change of their stratum's controls, each acted-on
 * observation weighing one. The interval resamples accounts, not observations (a cluster
 * bootstrap): an account seen on several days, or acted on in one run and a control in another,
 * is drawn with all its observations, and the control's own noise is in the interval too.
 */
export function computeLift(
  observations: readonly Observation[],
  options: { resamples?: number; seed?: number } = {},
): LiftResult {
  const accountIndex = new Map<string, number>();
  const idx = (account: string) => {
    let i = accountIndex.get(account);
    if (i === undefined) {
      i = accountIndex.size;
      accountIndex.set(account, i);
    }
    return i;
  };
  const n = observations.filter((o) => o.outcome === 'act').length;
  // Only strata with both sides count; index their accounts for the resampling.
  const used: Stratum[] = [];
  const reasons: Record<ControlReason, number> = { holdout: 0, cooldown: 0, limit: 0 };
  const controlAccounts = new Set<string>();
  let pairs = 0;
  let controlN = 0;
  {
    const byStratum = new Map<string, Observation[]>();
    for (const o of observations) {
      const list = byStratum.get(o.stratum);
      if (list) list.push(o);
      else byStratum.set(o.stratum, [o]);
    }
    for (const list of byStratum.values()) {
      const acted = list.filter((o) => o.outcome === 'act');
      const control = list.filter((o) => o.outcome !== 'act');
      if (!acted.length || !control.length) continue;
      pairs += acted.length;
      controlN += control.length;
      for (const c of control) {
        reasons[c.outcome as ControlReason]++;
        controlAccounts.add(c.account);
      }
      used.push({
        acted: acted.map((o) => ({ a: idx(o.account), change: o.change })),
        control: control.map((o) => ({ a: idx(o.account), change: o.change })),
      });
    }
  }
  const statistic = (weights?: ArrayLike<number>) => {
    let num = 0;
    let den = 0;
    for (const s of used) {
      let wa = 0;
      let sa = 0;
      for (const x of s.acted) {
        const w = weights ? weights[x.a]! : 1;
        wa += w;
        sa += w * x.change;
      }
      if (!wa) continue;
      let wc = 0;
      let sc = 0;
      for (const x of s.control) {
        const w = weights ? weights[x.a]! : 1;
        wc += w;
        sc += w * x.change;
      }
      if (!wc) continue;
      num += sa - wa * (sc / wc);
      den += wa;
    }
    return den ? num / den : null;
  };
  let actedSum = 0;
  let controlSum = 0;
  for (const s of used) {
    const mc = s.control.reduce((t, x) => t + x.change, 0) / s.control.length;
    for (const x of s.acted) {
      actedSum += x.change;
      controlSum += mc;
    }
  }
  const acted = pairs ? actedSum / pairs : null;
  const control = pairs ? controlSum / pairs : null;
  const withheld: Withheld | null =
    pairs === 0
      ? 'no_control'
      : controlAccounts.size < MIN_CONTROL_ACCOUNTS
        ? 'few_controls'
        : pairs < MIN_PAIRS
          ? 'few_pairs'
          : null;
  let lift: number | null = null;
  let low: number | null = null;
  let high: number | null = null;
  if (!withheld && acted !== null && control !== null) {
    lift = acted - control;
    const interval = bootstrap(accountIndex.size, statistic, {
      resamples: options.resamples ?? 500,
      seed: options.seed ?? 16,
    });
    low = interval.low;
    high = interval.high;
  }
  return {
    n,
    pairs,
    acted: round2(acted),
    control: round2(control),
    controlN,
    controlAccounts: controlAccounts.size,
    reasons,
    lift: round2(lift),
    low: round2(low),
    high: round2(high),
    withheld,
  };
}
