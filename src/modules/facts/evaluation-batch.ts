// One evaluation batch: what every condition in Steward is evaluated on. The recompute, every
// preview (segment, tiering scheme, health model, lifecycle stages), rules (runs and dry runs),
// Account 360's live health and a manual change taking effect at once all load through
// loadEvaluationBatch, so a preview says what the recompute then writes.
import type { Ctx } from '../../context.ts';
import { addDays } from '../../time.ts';
import { accountParentLinks } from '../accounts/refs.ts';
import { loadSentiments } from '../health/sentiments.ts';
import { loadScoreValuesAsOf } from '../health/snapshots.ts';
import {
  batchEnv,
  changedByLookbacks,
  type History,
  type Lookbacks,
  lookbackToleranceDays,
  mergeLookbacks,
} from './batch-env.ts';
import { buildFacts, type Facts } from './build-facts.ts';
import type { Condition } from './condition.ts';
import type { ConditionEnv } from './condition-eval.ts';
import { familyClosure, rollUpFamilies } from './family-facts.ts';
import type { Populations } from './populations.ts';

const METRIC_TOTAL_KEY = /^metrics\.[^.]+\.total_30d$/;

import { EMPTY_STATE, loadStateFacts, STATE_FACT_KEYS } from './state-facts.ts';

export type EvaluationBatch = {
  day: string;
  /**
   * Every account's facts as of `day` (buildFacts) with its state at the end of `day` (health,
   * tier, stage, days_in_stage, segments: the last recompute's for today) and `health.sentiment`.
   */
  facts: Map<string, Facts>;
  /** Past values for the `changed by` comparisons the conditions use (and `lookbacks`). */
  history: History | undefined;
  /** Percentiles over the batch (all, within tier) and history, per account. */
  env: (accountId: string) => ConditionEnv;
};

export type EvaluationBatchOptions = {
  /**
   * Only these accounts (one account's evaluation: a manual change, a webhook). Percentiles need
   * the whole workspace, so in such a batch `percentile(...)` matches nothing, as before.
   */
  accountIds?: readonly string[];
  /** Look-backs to load beyond the conditions' own (the recompute's health trends). */
  lookbacks?: Lookbacks;
  /**
   * Only these facts are read (a churn training set's features): buildFacts skips what none of them
   * needs, and the other keys are null. The state facts are always there.
   */
  only?: readonly string[];
  /** A batch of every account puts the values its ranks were taken among here (populations.ts). */
  populations?: Populations;
};

/**
 * Loads the batch the conditions are evaluated on. Cost: one buildFacts as of `day`, the stored
 * state, the sentiments, and for each distinct `changed by` look-back one more buildFacts as of
 * that day (only the facts asked for are kept) or the health snapshots; nothing more without one.
 */
export async function loadEvaluationBatch(
  ctx: Ctx,
  day: string,
  conditions: Iterable<Condition | null | undefined>,
  options: EvaluationBatchOptions = {},
): Promise<EvaluationBatch> {
  const ids = options.accountIds ?? null;
  // A parent's family facts need its descendants: a batch of some accounts builds those too and
  // drops them after the roll-up.
  const links = ids ? await accountParentLinks(ctx) : null;
  const buildIds = ids && links?.size ? familyClosure(ids, links) : ids;
  const facts = await buildFacts(ctx, buildIds, day, {
    only: options.only,
    populations: options.populations,
  });
  const state = await loadStateFacts(ctx, buildIds, day);
  const sentiments = await loadSentiments(ctx, day, ids && ids.length <= 500 ? ids : undefined);
  for (const [id, f] of facts) {
    const s = state.get(id) ?? EMPTY_STATE;
    // Every record gets the same keys in the same order, so records keep sharing one layout.
    for (const key of STATE_FACT_KEYS) f[key] = key === 'segments' ? [...s.segments] : s[key];
    f['health.sentiment'] = sentiments.get(id)?.score ?? null;
  }
  const first = facts.values().next().value;
  rollUpFamilies(facts, first ? Object.keys(first).filter((k) => METRIC_TOTAL_KEY.test(k)) : []);
  if (ids && buildIds !== ids) {
    const asked = new Set(ids);
    for (const id of [...facts.keys()]) if (!asked.has(id)) facts.delete(id);
  }
  const history = await loadHistory(
    ctx,
    day,
    mergeLookbacks(changedByLookbacks(conditions), options.lookbacks),
    ids,
  );
  return { day, facts, history, env: batchEnv(facts, history, { percentiles: ids === null }) };
}

/**
 * Past values for `changed by`, loaded only when a condition asks: for each look-back, the facts as
 * they were that many days before `day`. The health score comes from the stored daily snapshots:
 * the nearest at or before that day, within lookbackToleranceDays (3 days for a week back, 7 for a
 * month, 14 beyond), so weekly history and missed days still answer. Everything else is rebuilt
 * with buildFacts as of that day (exact: rollups are daily), one bulk build per distinct look-back,
 * keeping only the facts asked for.
 */
export async function loadHistory(
  ctx: Ctx,
  day: string,
  lookbacks: Lookbacks,
  accountIds: readonly string[] | null = null,
): Promise<History | undefined> {
  if (lookbacks.size === 0) return undefined;
  const byLookback = new Map<number, Map<string, Map<string, number>>>();
  for (const [days, keys] of lookbacks) {
    const past = addDays(day, -days);
    const values = new Map<string, Map<string, number>>();
    const rest = [...keys].filter((k) => !k.startsWith('health.'));
    if (keys.has('health.score')) {
      const scores = new Map<string, number>();
      const only = accountIds && accountIds.length <= 500 ? accountIds : undefined;
      for (const [id, v] of await loadScoreValuesAsOf(ctx, past, lookbackToleranceDays(days), only))
        if (v.score !== null) scores.set(id, v.score);
      values.set('health.score', scores);
    }
    if (rest.length) {
      const facts = await buildFacts(ctx, accountIds, past, { only: rest });
      for (const key of rest) {
        const column = new Map<string, number>();
        for (const [id, f] of facts) {
          const v = f[key];
          if (typeof v === 'number' && Number.isFinite(v)) column.set(id, v);
        }
        values.set(key, column);
      }
    }
    byLookback.set(days, values);
  }
  return (accountId, key, days) => byLookback.get(days)?.get(key)?.get(accountId);
}
