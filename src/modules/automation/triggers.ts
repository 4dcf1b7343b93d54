// The pure half of automation: which accounts a trigger yields on a day, which of those the
// condition keeps, and which the limits (dedupe, cooldown, per-run maximum) let through. No
// database: the engine loads the inputs once per day and every rule reads them, so 50 rules cost
// one pass each over facts already in memory. Unit tests call these with literals.
import { type Message, msg } from '../../i18n/index.ts';
import { type Facts, percentileRanks } from '../facts/build-facts.ts';
import type { Condition } from '../facts/condition.ts';
import { type ConditionEnv, evaluateCondition } from '../facts/condition-eval.ts';
import { valueParam } from '../timeline/index.ts';
import type { Action, Trigger } from './automation.schemas.ts';

export type StateChangeRow = { accountId: string; kind: string; from: string | null; to: string | null };

/** Everything triggers read for one day, loaded once whatever the rules need. */
export type DayInputs = {
  day: string;
  facts: ReadonlyMap<string, Facts>;
  /** state_changes of the day. */
  changes: readonly StateChangeRow[];
  /** Health score `days` ago per account, for each `days` a health_drop trigger asks. */
  healthBefore: ReadonlyMap<number, ReadonlyMap<string, number>>;
  /** Accounts with value-behaviour activity in the last `days` days, for each no_value trigger. */
  valueActive: ReadonlyMap<number, ReadonlySet<string>>;
  /** Sentiments recorded on the day: account -> lowest score. */
  sentiments: ReadonlyMap<string, number>;
  /** For webhook triggers: the accounts the inbound call named. */
  webhookAccounts?: readonly string[];
};

/** What a trigger needs loaded beyond the facts. */
export function triggerNeeds(trigger: Trigger): { healthDays?: number; valueDays?: number } {
  if (trigger.type === 'health_drop') return { healthDays: trigger.days };
  if (trigger.type === 'no_value') return { valueDays: trigger.days };
  return {};
}

const fmt = (v: number) => String(Number(v.toPrecision(4)));
const pct = (v: number) => `${v > 0 ? '+' : ''}${Math.round(v * 1000) / 10}%`;

/**
 * The accounts a trigger yields on the inputs' day, each with a reason a person can read.
 * `schedule` and `daily` yield every account (the condition does the choosing).
 */
export function triggerMatches(trigger: Trigger, inputs: DayInputs): Map<string, Message> {
  const out = new Map<string, Message>();
  const { facts } = inputs;
  switch (trigger.type) {
    case 'schedule':
    case 'daily':
      for (const id of facts.keys())
        out.set(id, msg(trigger.type === 'daily' ? 'automation.reason.daily' : 'automation.reason.schedule'));
      break;
    case 'webhook':
      for (const id of inputs.webhookAccounts ?? [])
        if (facts.has(id)) out.set(id, msg('automation.reason.webhook'));
      break;
    case 'state_change':
      for (const c of inputs.changes) {
        if (c.kind !== trigger.kind) continue;
        if (trigger.from !== undefined && c.from !== trigger.from) continue;
        if (trigger.to !== undefined && c.to !== trigger.to) continue;
        if (!facts.has(c.accountId)) continue;
        out.set(c.accountId, changeReason(c.kind, c.from, c.to));
      }
      break;
    case 'health_drop': {
      const before = inputs.healthBefore.get(trigger.days);
      if (!before) break;
      for (const [id, f] of facts) {
        const now = f['health.score'];
        const then = before.get(id);
        if (typeof now !== 'number' || then === undefined) continue;
        const drop = then - now;
        if (drop >= trigger.points)
          out.set(
            id,
            msg('automation.reason.healthDrop', { from: fmt(then), to: fmt(now), days: trigger.days }),
          );
      }
      break;
    }
    case 'renewal_within':
      for (const [id, f] of facts) {
        const d = f.days_to_renewal;
        if (typeof d === 'number' && d >= 0 && d <= trigger.days)
          out.set(id, msg('automation.reason.renewal', { days: d }));
      }
      break;
    case 'metric_change': {
      const key = `metrics.${trigger.metric}.${trigger.period}`;
      for (const [id, f] of facts) {
        const v = f[key];
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        if (compare(v, trigger.cmp, trigger.value))
          out.set(
            id,
            msg('automation.reason.metricChange', {
              metric: trigger.metric,
              period: trigger.period,
              change: pct(v),
            }),
          );
      }
      break;
    }
    case 'metric_rank': {
      const key = `metrics.${trigger.metric}.total_30d`;
      const ranks = rankWithin(facts, key, trigger.within);
      for (const [id, rank] of ranks) {
        const hit = trigger.side === 'bottom' ? rank <= trigger.percent : rank >= 100 - trigger.percent;
        if (hit) {
          const key =
            trigger.within === 'tier'
              ? trigger.side === 'bottom'
                ? 'automation.reason.metricRankBottomTier'
                : 'automation.reason.metricRankTopTier'
              : trigger.side === 'bottom'
                ? 'automation.reason.metricRankBottom'
                : 'automation.reason.metricRankTop';
          out.set(id, msg(key, { percent: trigger.percent, metric: trigger.metric, rank: fmt(rank) }));
        }
      }
      break;
    }
    case 'no_value': {
      const active = inputs.valueActive.get(trigger.days);
      if (!active) break;
      for (const id of facts.keys()) {
        if (!active.has(id)) out.set(id, msg('automation.reason.noValue', { days: trigger.days }));
      }
      break;
    }
    case 'milestone_late':
      for (const [id, f] of facts) {
        const late = f.milestones_late_keys;
        if (!Array.isArray(late) || !late.length) continue;
        const hit =
          trigger.milestone === undefined
            ? late[0]
            : late.includes(trigger.milestone)
              ? trigger.milestone
              : undefined;
        if (hit !== undefined) out.set(id, msg('automation.reason.milestoneLate', { name: String(hit) }));
      }
      break;
    case 'expansion_signal':
      for (const [id, f] of facts) {
        const signals = f.expansion_signals;
        if (!Array.isArray(signals) || !signals.includes(trigger.signal)) continue;
        if (trigger.signal === 'seats')
          out.set(
            id,
            msg('automation.reason.expansionSeats', {
              used: Number(f.active_users_30d ?? 0),
              licensed: Number(f.licensed_seats ?? 0),
            }),
          );
        else if (trigger.signal === 'usage_growth')
          out.set(
            id,
            msg('automation.reason.expansionUsage', { change: pct(Number(f.usage_growth_30d ?? 0)) }),
          );
        else out.set(id, msg('automation.reason.expansionFeature'));
      }
      break;
    case 'sentiment':
      for (const [id, score] of inputs.sentiments) {
        if (score <= trigger.atMost && facts.has(id))
          out.set(id, msg('automation.reason.sentiment', { score }));
      }
      break;
  }
  return out;
}

/**
 * Percentile ranks (0-100) of a numeric fact among all accounts, or among those of the same tier.
 * Accounts without a number (or without a tier, within tier) are not ranked.
 */
export function rankWithin(
  facts: ReadonlyMap<string, Facts>,
  key: string,
  within: 'all' | 'tier',
): Map<string, number> {
  const groups = new Map<unknown, Map<string, number>>();
  for (const [id, f] of facts) {
    const v = f[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const group = within === 'tier' ? (f.tier ?? null) : null;
    if (within === 'tier' && group === null) continue;
    let values = groups.get(group);
    if (!values) {
      values = new Map();
      groups.set(group, values);
    }
    values.set(id, v);
  }
  const out = new Map<string, number>();
  for (const values of groups.values()) for (const [id, r] of percentileRanks(values)) out.set(id, r);
  return out;
}

function compare(a: number, cmp: '<' | '<=' | '>' | '>=', b: number): boolean {
  switch (cmp) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** A rule or a playbook play as the engine runs it. */
export type RuleSpec = {
  /** Rule id, or `<playbook id>#<play key>`: what tasks carry as rule_id and runs are keyed by. */
  id: string;
  source: 'rule' | 'playbook';
  name: string;
  /** The name in the reader's language, where it is ours (the touch cadence), not a person's. */
  nameMessage?: Message;
  trigger: Trigger;
  condition: Condition | null;
  actions: readonly Action[];
  cooldownDays: number;
  maxActionsPerRun: number;
  dedupe: boolean;
  /** Percent (0-50) of accounts never acted on, the control of a true experiment. */
  holdoutPct?: number;
  /**
   * What the hold-out is drawn for: the rule id, or the playbook id for every play of a playbook,
   * so an account held out of a playbook is held out of all its plays.
   */
  holdoutKey?: string;
};

export type Match = { accountId: string; reason: Message };

/** A state change as a reason, its values in the reader's language. */
function changeReason(kind: string, from: string | null, to: string | null): Message {
  if (kind === 'segment_enter') return msg('automation.reason.segmentEnter', { segment: to });
  if (kind === 'segment_exit') return msg('automation.reason.segmentExit', { segment: to });
  if (kind === 'health_status')
    return msg('automation.reason.healthStatus', {
      from: valueParam('healthStatus', from),
      to: valueParam('healthStatus', to),
    });
  const k = kind === 'tier' ? 'tier' : 'stage';
  return msg(`automation.reason.${k}`, { from: valueParam(k, from), to: valueParam(k, to) });
}

/** Trigger, then condition: the accounts a rule matches, largest ARR first (then by id). */
export function matchRule(
  spec: Pick<RuleSpec, 'trigger' | 'condition'>,
  inputs: DayInputs,
  env: (accountId: string) => ConditionEnv,
): Match[] {
  const out: Match[] = [];
  // Only percentile and `changed by` conditions read the env: skip building one per account for
  // the others.
  const ranked = spec.condition !== null && readsEnv(spec.condition);
  const none = {};
  for (const [accountId, reason] of triggerMatches(spec.trigger, inputs)) {
    const f = inputs.facts.get(accountId)!;
    if (spec.condition && !evaluateCondition(spec.condition, f, ranked ? env(accountId) : none)) continue;
    out.push({ accountId, reason });
  }
  const arr = (id: string) => Number(inputs.facts.get(id)?.arr ?? 0);
  // Big accounts first when the per-run maximum cuts the list (seed 000: 大客看性).
  out.sort((a, b) => arr(b.accountId) - arr(a.accountId) || (a.accountId < b.accountId ? -1 : 1));
  return out;
}

function readsEnv(c: Condition): boolean {
  if ('and' in c) return c.and.some(readsEnv);
  if ('or' in c) return c.or.some(readsEnv);
  if ('not' in c) return readsEnv(c.not);
  return 'percentile' in c || c.op === 'changed by';
}

export type LimitState = {
  day: string;
  /** Accounts with an open task from this rule (only consulted when the rule dedupes). */
  openTasks: ReadonlySet<string>;
  /** The last day this rule acted on each account. */
  lastActed: ReadonlyMap<string, string>;
};
export type Outcome = 'act' | 'holdout' | 'dedupe' | 'cooldown' | 'limit';

/**
 * Whether an account is in the hold-out of `key` at `pct` percent: a hash of key and account, so
 * the same accounts stay held out run after run (a held-out account never gets the treatment,
 * which is what makes it a control), no state is stored, and raising the percentage only adds
 * accounts to the held-out set.
 */
export function heldOut(key: string, accountId: string, pct: number): boolean {
  if (!(pct > 0)) return false;
  return (hashOf(key, accountId) % 10_000) / 100 < pct;
}

/** A well-spread 32-bit hash of "key:account" (a fixed random draw per pair). */
export function hashOf(key: string, accountId: string): number {
  // FNV-1a (32 bit) over "key:account", then a final avalanche so close ids spread evenly.
  let h = 0x811c9dc5;
  const text = `${key}:${accountId}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Applies the hold-out, dedupe, then cooldown, then the per-run maximum, in the matches' order.
 * Dedupe only concerns rules that create tasks: there is nothing to duplicate otherwise. Held-out
 * accounts come first so they never count against the maximum.
 */
export function applyLimits(
  spec: Pick<RuleSpec, 'cooldownDays' | 'maxActionsPerRun' | 'dedupe' | 'actions'> &
    Partial<Pick<RuleSpec, 'id' | 'holdoutPct' | 'holdoutKey'>>,
  matches: readonly Match[],
  state: LimitState,
): { match: Match; outcome: Outcome }[] {
  const createsTasks = spec.actions.some((a) => a.type === 'create_task');
  const pct = spec.holdoutPct ?? 0;
  const key = spec.holdoutKey ?? spec.id ?? '';
  let acting = 0;
  return matches.map((match) => {
    let outcome: Outcome = 'act';
    if (pct > 0 && heldOut(key, match.accountId, pct)) outcome = 'holdout';
    else if (spec.dedupe && createsTasks && state.openTasks.has(match.accountId)) outcome = 'dedupe';
    else if (
      spec.cooldownDays > 0 &&
      withinCooldown(state.lastActed.get(match.accountId), state.day, spec.cooldownDays)
    )
      outcome = 'cooldown';
    else if (acting >= spec.maxActionsPerRun) outcome = 'limit';
    else acting++;
    return { match, outcome };
  });
}

function withinCooldown(last: string | undefined, day: string, days: number): boolean {
  if (last === undefined) return false;
  const elapsed = Math.round((Date.parse(day) - Date.parse(last)) / 86_400_000);
  return elapsed < days;
}
