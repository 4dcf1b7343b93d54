// The priority of a customer request, following seed 000's rule for the same ask from different
// customers: "大客看性,小客看量,重续缓用". Big accounts are weighed by strategic value (ARR, tier,
// reference-customer status, whether the ask would make a showcase); small accounts by how many
// accounts ask for the same thing and their combined ARR; accounts near renewal come first. A pure
// function, so the hand-worked examples in priority-rule.test.ts need no database.
import { z } from 'zod';
import { type Locale, type Message, type MessageKey, msg, type Param, render } from '../../i18n/index.ts';

export const ScoreWeights = z.object({
  /** A high-value account's request starts here (大客看性). */
  highValueAccount: z.number().min(0).max(1000),
  /** Per million of the account's ARR (base currency), for high-value accounts, up to arrCap. */
  arrPerMillion: z.number().min(0).max(1000),
  arrCap: z.number().min(0).max(1000),
  /** The account is a reference customer (标杆客户, one of flagshipTags). */
  flagshipAccount: z.number().min(0).max(1000),
  /** The request itself has showcase value (示范效应: would make a success story); high-value only. */
  showcaseRequest: z.number().min(0).max(1000),
  /** Per distinct account with an open request in the same group (小客看量), up to askingAccountsCap. */
  perAskingAccount: z.number().min(0).max(1000),
  askingAccountsCap: z.number().min(0).max(1000),
  /** Per 100k of the asking accounts' combined ARR, up to groupArrCap. */
  groupArrPer100k: z.number().min(0).max(1000),
  groupArrCap: z.number().min(0).max(1000),
  /**
   * How much of the volume points a high-value account's request also gets (0..1): a big account's
   * ask is judged on its own merit first, but it is still worth more when many others want it too.
   */
  highValueVolumeShare: z.number().min(0).max(1),
  /** The asking account renews within renewalWindowDays (重续). */
  renewalWindow: z.number().min(0).max(1000),
  /** ... and its health is warning or danger: at-risk renewals come first of all. */
  renewalAtRisk: z.number().min(0).max(1000),
});
export type ScoreWeights = z.infer<typeof ScoreWeights>;

export const RequestSettings = z.object({
  /** ARR (base currency) at or above which an account counts as high-value whatever its tier. */
  highValueArr: z.number().min(0).max(1e12),
  /** Tiers whose accounts count as high-value. */
  strategicTiers: z.array(z.string().trim().min(1).max(100)).max(20),
  /** Account tags that mark a reference customer (high-value and flagship). */
  flagshipTags: z.array(z.string().trim().min(1).max(100)).max(20),
  renewalWindowDays: z.number().int().min(1).max(730),
  /** Dice similarity at or above which a new request joins the most similar one's group. */
  groupThreshold: z.number().min(0.1).max(1),
  weights: ScoreWeights,
});
export type RequestSettings = z.infer<typeof RequestSettings>;

export const DEFAULT_REQUEST_SETTINGS: RequestSettings = {
  // Seed 002's "very large" band and the default scheme's strategic edge.
  highValueArr: 1_000_000,
  strategicTiers: ['strategic'],
  flagshipTags: ['标杆客户'],
  renewalWindowDays: 90,
  groupThreshold: 0.55,
  weights: {
    highValueAccount: 40,
    arrPerMillion: 10,
    arrCap: 30,
    flagshipAccount: 15,
    showcaseRequest: 15,
    perAskingAccount: 6,
    askingAccountsCap: 60,
    groupArrPer100k: 2,
    groupArrCap: 20,
    highValueVolumeShare: 0.25,
    renewalWindow: 20,
    renewalAtRisk: 10,
  },
};

/** What the score reads about one asking account (its current tier and health from the state module). */
export type AskingAccount = {
  accountId: string;
  /** ARR in base-currency major units. */
  arr: number;
  tier: string | null;
  tags: readonly string[];
  healthStatus: string | null;
  /** Days until the renewal date; null without one (or past it). */
  daysToRenewal: number | null;
};

export type ScoreInput = {
  account: AskingAccount;
  showcase: boolean;
  /**
   * The distinct accounts with an open request in the request's group, this account included
   * (just this account for an ungrouped request).
   */
  groupAccounts: readonly AskingAccount[];
};

export const FACTOR_KEYS = [
  'high_value_account',
  'account_arr',
  'flagship_account',
  'showcase_request',
  'asking_accounts',
  'asking_arr',
  'renewal_window',
  'renewal_at_risk',
] as const;
export type FactorKey = (typeof FACTOR_KEYS)[number];

/** A factor with its reasoning as a message; `renderScore` turns it into the reader's language. */
export type Factor = { key: FactorKey; points: number; detail: Message };
export type Score = { score: number; highValue: boolean; factors: Factor[] };

const round1 = (n: number) => Math.round(n * 10) / 10;
const AT_RISK = new Set(['warning', 'danger']);

/** A tier key as people read it: the built-in tiers by name, others (a scheme's own) as written. */
const tierParam = (tier: string): Param =>
  `tier.${tier}` in TIER_KEYS ? msg(`tier.${tier}` as MessageKey) : tier;
const TIER_KEYS: Record<string, true> = Object.fromEntries(
  ['strategic', 'growth', 'nurture', 'small', 'medium', 'large', 'very_large', 'unassigned'].map((k) => [
    `tier.${k}`,
    true,
  ]),
);
const STATUS_KEYS = new Set(['excellent', 'good', 'fair', 'warning', 'danger']);
const statusParam = (status: string): Param =>
  STATUS_KEYS.has(status) ? msg(`health.${status}` as MessageKey) : status;

/** Why an account counts as high-value, or null when it does not. */
export function highValueReason(a: AskingAccount, s: RequestSettings): Message | null {
  const reasons: Message[] = [];
  if (a.tier !== null && s.strategicTiers.includes(a.tier))
    reasons.push(msg('requests.reason.tier', { tier: tierParam(a.tier) }));
  if (a.arr >= s.highValueArr)
    reasons.push(
      msg('requests.reason.arr', { arr: Math.round(a.arr), threshold: Math.round(s.highValueArr) }),
    );
  const flag = s.flagshipTags.find((t) => a.tags.includes(t));
  if (flag) reasons.push(msg('requests.reason.tagged', { tag: flag }));
  const [x, y, z] = reasons;
  if (!x) return null;
  if (!y) return x;
  return z ? msg('requests.join3', { a: x, b: y, c: z }) : msg('requests.join2', { a: x, b: y });
}

/** The score with each factor's reasoning in `locale`, as the API sends it. */
export const renderScore = (locale: Locale, score: Score) => ({
  ...score,
  factors: score.factors.map((f) => ({ ...f, detail: render(locale, f.detail) })),
});
export type RenderedScore = ReturnType<typeof renderScore>;

export function inRenewalWindow(a: AskingAccount, s: RequestSettings): boolean {
  return a.daysToRenewal !== null && a.daysToRenewal >= 0 && a.daysToRenewal <= s.renewalWindowDays;
}

/**
 * The score and its reasoning: each factor with its points (factors worth nothing are left out).
 * High-value accounts: strategic points dominate and volume counts at highValueVolumeShare. Small
 * accounts: volume (accounts asking and their ARR) is all they get from the ask itself. Either way
 * a renewal inside the window adds its boost.
 */
export function scoreRequest(input: ScoreInput, s: RequestSettings): Score {
  const w = s.weights;
  const a = input.account;
  const factors: Factor[] = [];
  const add = (key: FactorKey, points: number, detail: Message) => {
    const p = round1(points);
    if (p !== 0) factors.push({ key, points: p, detail });
  };
  const reason = highValueReason(a, s);
  const highValue = reason !== null;

  if (highValue) {
    add('high_value_account', w.highValueAccount, msg('requests.factor.highValue', { reasons: reason }));
    add(
      'account_arr',
      Math.min(w.arrCap, (a.arr / 1_000_000) * w.arrPerMillion),
      msg('requests.factor.accountArr', { arr: Math.round(a.arr), per: w.arrPerMillion, cap: w.arrCap }),
    );
    const flag = s.flagshipTags.find((t) => a.tags.includes(t));
    if (flag) add('flagship_account', w.flagshipAccount, msg('requests.factor.flagship', { tag: flag }));
    if (input.showcase) add('showcase_request', w.showcaseRequest, msg('requests.factor.showcase'));
  }

  const others = new Map(input.groupAccounts.map((g) => [g.accountId, g]));
  others.set(a.accountId, a);
  const count = others.size;
  const totalArr = [...others.values()].reduce((sum, g) => sum + g.arr, 0);
  const share = highValue ? w.highValueVolumeShare : 1;
  const note = highValue ? msg('requests.factor.shareNote', { share: w.highValueVolumeShare }) : '';
  add(
    'asking_accounts',
    Math.min(w.askingAccountsCap, count * w.perAskingAccount) * share,
    msg(count === 1 ? 'requests.factor.askingAccount' : 'requests.factor.askingAccounts', {
      count,
      per: w.perAskingAccount,
      cap: w.askingAccountsCap,
      note,
    }),
  );
  add(
    'asking_arr',
    Math.min(w.groupArrCap, (totalArr / 100_000) * w.groupArrPer100k) * share,
    msg('requests.factor.askingArr', {
      arr: Math.round(totalArr),
      per: w.groupArrPer100k,
      cap: w.groupArrCap,
      note,
    }),
  );

  if (inRenewalWindow(a, s)) {
    add(
      'renewal_window',
      w.renewalWindow,
      msg('requests.factor.renewalWindow', { days: a.daysToRenewal, window: s.renewalWindowDays }),
    );
    if (a.healthStatus !== null && AT_RISK.has(a.healthStatus)) {
      add(
        'renewal_at_risk',
        w.renewalAtRisk,
        msg('requests.factor.renewalAtRisk', { status: statusParam(a.healthStatus) }),
      );
    }
  }
  return { score: round1(factors.reduce((sum, f) => sum + f.points, 0)), highValue, factors };
}
