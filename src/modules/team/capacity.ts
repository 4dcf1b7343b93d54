// Capacity and headcount arithmetic (seed 002): pure, no database, unit-tested in capacity.test.ts.

/** How much one CSM carries in a tier: accounts, and optionally hours per account per month. */
export type TierCapacity = { accountsPerCsm: number; hoursPerAccount?: number | null };

/**
 * `count`: an account costs 1 / accountsPerCsm of a CSM. `arr`: the same, scaled by the account's
 * ARR against its tier's mean (kept within 0.5x-2x), so a big account in a tier weighs more.
 * `hours`: hoursPerAccount / hoursPerCsm (falls back to count for tiers without hours).
 */
export const WEIGHTINGS = ['count', 'arr', 'hours'] as const;
export type Weighting = (typeof WEIGHTINGS)[number];

export type CapacityModel = {
  capacities: Readonly<Record<string, TierCapacity>>;
  /** Capacity of a tier not listed (a new tier label, or accounts without a tier). */
  fallback: TierCapacity;
  weighting: Weighting;
  /** Working hours a CSM spends on accounts per month, for the hours weighting. */
  hoursPerCsm: number;
};

/** Seed 002's worked example: 80 small, 40 medium, 20 large, 5 very large accounts per CSM. */
export const SEED_002_CAPACITIES: Readonly<Record<string, TierCapacity>> = {
  small: { accountsPerCsm: 80 },
  medium: { accountsPerCsm: 40 },
  large: { accountsPerCsm: 20 },
  very_large: { accountsPerCsm: 5 },
};

/**
 * The default scheme's tiers on the same scale: strategic accounts are seed 002's very large ones
 * (ARR >= 1M) plus reference customers, served like very large accounts; growth (100k-1M) spans
 * medium and large, so 30; nurture (< 100k) is small.
 */
export const DEFAULT_CAPACITIES: Readonly<Record<string, TierCapacity>> = {
  ...SEED_002_CAPACITIES,
  strategic: { accountsPerCsm: 5 },
  growth: { accountsPerCsm: 30 },
  nurture: { accountsPerCsm: 80 },
};

export function tierCapacity(model: CapacityModel, tier: string | null): TierCapacity {
  return (tier !== null ? model.capacities[tier] : undefined) ?? model.fallback;
}

/** The share of one CSM an account takes (1 = a whole CSM). */
export function accountCost(
  model: CapacityModel,
  tier: string | null,
  arr: number,
  tierMeanArr: ReadonlyMap<string | null, number>,
): number {
  const cap = tierCapacity(model, tier);
  const base = 1 / cap.accountsPerCsm;
  if (model.weighting === 'hours' && cap.hoursPerAccount) return cap.hoursPerAccount / model.hoursPerCsm;
  if (model.weighting === 'arr') {
    const mean = tierMeanArr.get(tier) ?? 0;
    if (mean <= 0) return base;
    return base * Math.min(2, Math.max(0.5, arr / mean));
  }
  return base;
}

export function meanArrByTier(accounts: Iterable<{ tier: string | null; arr: number }>) {
  const sums = new Map<string | null, [number, number]>();
  for (const a of accounts) {
    const s = sums.get(a.tier) ?? [0, 0];
    s[0] += a.arr;
    s[1]++;
    sums.set(a.tier, s);
  }
  return new Map([...sums].map(([tier, [sum, n]]) => [tier, n ? sum / n : 0]));
}

export type PlanInput = {
  /** Accounts per tier today, in display order. */
  tiers: ReadonlyArray<{ tier: string; accounts: number; hours?: number }>;
  model: CapacityModel;
  /** Expected growth of the account base, as a fraction (0.2 = 20% more accounts). */
  growth: number;
  /** CSMs per group, 5-10 in seed 002. */
  groupSize: number;
  /** CSMs (full-time equivalents) serving each tier today. */
  current?: Readonly<Record<string, number>>;
};

export type TierPlan = {
  tier: string;
  accounts: number;
  projectedAccounts: number;
  accountsPerCsm: number;
  csmsNeeded: number;
  groups: number;
  /** CSMs in each group, as even as whole people allow. */
  groupSizes: number[];
  currentCsms: number;
  gap: number;
};

export type Plan = {
  tiers: TierPlan[];
  totals: {
    accounts: number;
    projectedAccounts: number;
    csmsNeeded: number;
    groups: number;
    currentCsms: number;
    gap: number;
  };
};

/** n people in g groups as evenly as possible, larger groups first: (12, 2) -> [6, 6]. */
export function splitEvenly(n: number, groups: number): number[] {
  if (groups <= 0) return [];
  const base = Math.floor(n / groups);
  const extra = n % groups;
  return Array.from({ length: groups }, (_, i) => base + (i < extra ? 1 : 0));
}

const round2 = (x: number) => Math.round(x * 100) / 100;
/** Ceiling that ignores float noise (120 / 80 * 80 must not become 121) and never gives -0. */
const ceil = (x: number) => Math.max(0, Math.ceil(x - 1e-9));

/**
 * Seed 002: CSMs per tier = accounts / accounts per CSM, rounded up (a fraction of a person is
 * a person); groups per tier = CSMs / group size, rounded up, people spread evenly. Tiers do not
 * share groups (each group serves one kind of customer). With the hours weighting a tier needs
 * its accounts' hours / hours per CSM instead. The gap is needed minus today's CSMs (positive:
 * hire).
 */
export function planHeadcount(input: PlanInput): Plan {
  const tiers = input.tiers.map((t): TierPlan => {
    const cap = tierCapacity(input.model, t.tier);
    const projected = ceil(t.accounts * (1 + input.growth));
    let needed: number;
    if (input.model.weighting === 'hours' && cap.hoursPerAccount) {
      needed = ceil((projected * cap.hoursPerAccount) / input.model.hoursPerCsm);
    } else {
      needed = ceil(projected / cap.accountsPerCsm);
    }
    const groups = needed === 0 ? 0 : Math.ceil(needed / input.groupSize);
    const current = round2(input.current?.[t.tier] ?? 0);
    return {
      tier: t.tier,
      accounts: t.accounts,
      projectedAccounts: projected,
      accountsPerCsm: cap.accountsPerCsm,
      csmsNeeded: needed,
      groups,
      groupSizes: splitEvenly(needed, groups),
      currentCsms: current,
      gap: round2(needed - current),
    };
  });
  const sum = (f: (t: TierPlan) => number) => round2(tiers.reduce((s, t) => s + f(t), 0));
  return {
    tiers,
    totals: {
      accounts: sum((t) => t.accounts),
      projectedAccounts: sum((t) => t.projectedAccounts),
      csmsNeeded: sum((t) => t.csmsNeeded),
      groups: sum((t) => t.groups),
      currentCsms: sum((t) => t.currentCsms),
      gap: sum((t) => t.gap),
    },
  };
}
