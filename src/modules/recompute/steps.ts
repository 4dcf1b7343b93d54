// The recompute's steps, pure: [scoreHealth, assignTiers, assignStages, evaluateSegments] between
// one load (the evaluation batch, recompute.ts) and one write (state's applyStateChanges). Each takes the
// batch's facts and condition environment and returns one value per account; runSteps merges each
// step's values into the facts before the next step reads them (stages read the new tier, segments
// the new health, tier and stage) and returns what the write needs. No database: tests call them
// on plain records.

import { batchEnv, type History } from '../facts/batch-env.ts';
import type { Facts } from '../facts/build-facts.ts';
import type { Catalogue } from '../facts/condition.ts';
import type { ConditionEnv } from '../facts/condition-eval.ts';
import {
  type AccountScore,
  prepareScoring,
  type ScoringModel,
  type SentimentInput,
  trendOf,
} from '../health/index.ts';
import { assignStage, type StageRule } from '../lifecycle/index.ts';
import {
  assignTier,
  type SegmentRule,
  evaluateSegments as segmentKeysOf,
  type TieringRules,
} from '../segments/index.ts';
import type { DayState } from '../state/index.ts';

export type { DayState };

type Env = (accountId: string) => ConditionEnv;
type Health = Pick<
  DayState,
  'healthScore' | 'healthStatus' | 'healthModelId' | 'healthTrend7d' | 'healthTrend30d'
>;

/** Everything the steps apply besides the batch, loaded once per day. */
export type StepConfig = {
  models: readonly ScoringModel[];
  catalogue?: Catalogue;
  sentiments?: ReadonlyMap<string, SentimentInput>;
  scheme: TieringRules | null | undefined;
  stages: readonly StageRule[];
  segments: readonly SegmentRule[];
  /** Manual tier and stage overrides in force on the day, by account: they win over the rules. */
  overrides: { tier: ReadonlyMap<string, { value: string }>; stage: ReadonlyMap<string, { value: string }> };
};

/** Look-backs the health trends read (7 and 30 days of health.score), beside the conditions' own. */
export const TREND_LOOKBACKS: ReadonlyMap<number, ReadonlySet<string>> = new Map([
  [7, new Set(['health.score'])],
  [30, new Set(['health.score'])],
]);

/**
 * Each account's health: the first model whose selector matches scores it among that model's
 * peers; trends against the health score 7 and 30 days back (history, the nearest snapshot within
 * the look-back tolerance). `snapshot` scores accounts again with their components, for the day's
 * snapshot rows: the write takes a slice at a time, so every account's components (the largest
 * thing in memory) are never held at once.
 */
export function scoreHealth(
  facts: ReadonlyMap<string, Facts>,
  env: Env,
  history: History | undefined,
  config: Pick<StepConfig, 'models' | 'catalogue' | 'sentiments'>,
): { health: Map<string, Health>; snapshot: (accountIds: readonly string[]) => Map<string, AccountScore> } {
  const scorer = prepareScoring(config.models, facts, config.catalogue, {
    sentiments: config.sentiments,
    envFor: env,
  });
  const health = new Map<string, Health>();
  for (const id of facts.keys()) {
    health.set(id, {
      healthScore: null,
      healthStatus: null,
      healthModelId: null,
      healthTrend7d: null,
      healthTrend30d: null,
    });
  }
  for (const id of scorer.accountIds) {
    const s = scorer.score(id);
    health.set(id, {
      healthScore: s.score,
      healthStatus: s.status,
      healthModelId: s.modelId,
      healthTrend7d: trendOf(s.score, history?.(id, 'health.score', 7)),
      healthTrend30d: trendOf(s.score, history?.(id, 'health.score', 30)),
    });
  }
  return {
    health,
    snapshot: (accountIds) => new Map(accountIds.map((id) => [id, scorer.score(id)])),
  };
}

/** Each account's tier: its manual override, else the active scheme's first matching rule. */
export function assignTiers(
  facts: ReadonlyMap<string, Facts>,
  env: Env,
  config: Pick<StepConfig, 'scheme' | 'overrides'>,
): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const [id, f] of facts) {
    out.set(
      id,
      config.overrides.tier.get(id)?.value ?? (config.scheme ? assignTier(config.scheme, f, env(id)) : null),
    );
  }
  return out;
}

/** Each account's lifecycle stage: its manual override, else the first stage whose condition matches. */
export function assignStages(
  facts: ReadonlyMap<string, Facts>,
  env: Env,
  config: Pick<StepConfig, 'stages' | 'overrides'>,
): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const [id, f] of facts) {
    out.set(
      id,
      config.overrides.stage.get(id)?.value ??
        (config.stages.length ? assignStage(config.stages, f, env(id)) : null),
    );
  }
  return out;
}

/** Each account's saved segments (keys, in segment order) whose condition it satisfies. */
export function evaluateSegments(
  facts: ReadonlyMap<string, Facts>,
  env: Env,
  config: Pick<StepConfig, 'segments'>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, f] of facts) out.set(id, segmentKeysOf(config.segments, f, env(id)));
  return out;
}

/**
 * The four steps in order over one batch. The batch's facts are updated in place as the steps
 * decide (health.*, tier, stage, segments), so the batch is spent afterwards. Percentiles are
 * ranked again after health and after tiers: `percentile(health.score)` must see the new scores,
 * `within tier` the new tiers. Health selectors and tier rules read tier, stage and segments as
 * the batch loaded them (the state at the end of the day, from the last recompute).
 */
export function runSteps(
  batch: { facts: Map<string, Facts>; history: History | undefined; env: Env },
  config: StepConfig,
): { states: Map<string, DayState>; snapshot: (accountIds: readonly string[]) => Map<string, AccountScore> } {
  const { facts, history } = batch;
  const { health, snapshot } = scoreHealth(facts, batch.env, history, config);
  for (const [id, f] of facts) {
    const h = health.get(id)!;
    f['health.score'] = h.healthScore;
    f['health.status'] = h.healthStatus;
    f['health.trend_7d'] = h.healthTrend7d;
    f['health.trend_30d'] = h.healthTrend30d;
  }
  const tiers = assignTiers(facts, batchEnv(facts, history), config);
  for (const [id, f] of facts) f.tier = tiers.get(id) ?? null;
  const env = batchEnv(facts, history);
  const stages = assignStages(facts, env, config);
  for (const [id, f] of facts) f.stage = stages.get(id) ?? null;
  const segments = evaluateSegments(facts, env, config);
  // Each account's health record grows into its DayState: no second object per account.
  const states = health as Map<string, Health & Partial<DayState>>;
  for (const [id, f] of facts) {
    const keys = segments.get(id) ?? [];
    f.segments = keys;
    const state = states.get(id)!;
    state.tier = tiers.get(id) ?? null;
    state.stage = stages.get(id) ?? null;
    state.segments = keys;
    state.churnRisk = typeof f.churn_risk === 'number' ? f.churn_risk : null;
  }
  return { states: states as Map<string, DayState>, snapshot };
}
