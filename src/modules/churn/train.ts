// Training from stored history: the point-in-time training set, one model per horizon, its
// cross-validated card next to the health score and a usage-decline baseline on the same samples,
// and the decision to publish or not. Every version is kept (churn_models).
import { type Ctx, inTransaction } from '../../context.ts';
import { type Message, msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { addDays, nowIso, today } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { FACT_PROVIDERS, type FactDef, loadCatalogue, ROSTER_PROVIDER } from '../facts/index.ts';
import { firstStateDay } from '../state/index.ts';
import { getWorkspace } from '../workspaces/index.ts';
import { bootstrap, type Interval, metricFunctions } from './metrics.ts';
import {
  type Dataset,
  globalDrivers,
  type ModelKind,
  selectModel,
  type TrainedModel,
  trainModel,
} from './model.ts';
import {
  type Baseline,
  type Candidate,
  type ChurnModelCard,
  type HorizonCard,
  type MetricsCard,
  type StoredCard,
  type StoredParams,
  storeModel,
  toCard,
} from './model-store.ts';
import { buildTrainingSet, GRACE_DAYS, HORIZONS, type Horizon, type Sample } from './training-set.ts';

/** Facts never used as features: identifiers, dates, and facts that already know the outcome. */
const EXCLUDED = new Set([
  'external_id',
  'name',
  'owner_id',
  'parent_id',
  'go_live_date',
  'renewal_date',
  'mrr', // arr, as of the day (see buildTrainingSet), says the same
  'contract_status', // says churned once it has happened
  'days_since_renewal', // a contract marked churned stops counting at once, as of any day

  'days_to_renewal', // fixed by the horizon in a training set
  'renewal_confirmed', // a later contract: the outcome itself
  'is_churned',
  // The state (health, tier, stage, segments) is left out: the model stands beside the health
  // score rather than on it (the card compares the two), and the churn facts are computed inside
  // buildFacts, before the state is attached.
  'health.score',
  'health.status',
  'health.trend_7d',
  'health.trend_30d',
  'health.sentiment',
  'tier',
  'stage',
  'days_in_stage',
  'segments',
  'churn_risk',
  'churn_risk_drivers',
]);

/** Fewer churned (or retained) samples than this in a horizon: no model is published for it. */
export const MIN_OUTCOMES = 20;

/** The facts a churn model learns from in this workspace. */
export function featureKeys(catalogue: readonly FactDef[]): string[] {
  return (
    catalogue
      .filter(
        (f) => (f.type === 'number' || f.type === 'boolean' || f.type === 'string') && !EXCLUDED.has(f.key),
      )
      // Percentile ranks need the whole workspace, which a training batch of a few accounts is not.
      .filter((f) => !f.key.endsWith('.percentile'))
      .map((f) => f.key)
  );
}

/**
 * The facts an account's record holds when the churn provider scores it inside buildFacts: the
 * roster's and those of the providers loaded before it. Later facts (RFM, expansion, plans, the
 * family roll-ups and the state, added after buildFacts) would be blank there but filled in the
 * evaluation batch the training set and the risk route read: a model that learned from them would
 * score one account two ways.
 */
export async function churnInputKeys(ctx: Ctx): Promise<Set<string>> {
  const at = FACT_PROVIDERS.findIndex((p) => p.definitions.some((d) => d.key === 'churn_risk'));
  const before = [ROSTER_PROVIDER, ...FACT_PROVIDERS.slice(0, at < 0 ? FACT_PROVIDERS.length : at)];
  const opened = await Promise.all(before.map((p) => p.open(ctx)));
  return new Set([...before, ...opened].flatMap((p) => p.definitions).map((d) => d.key));
}

const intervalOf = (i: Interval) => ({ value: i.value, low: i.low, high: i.high });

/** A baseline's ROC-AUC on the same tested samples (higher risk score = more likely to churn). */
function baseline(risk: number[], y: number[]): Baseline {
  const f = metricFunctions(risk, y);
  const i = intervalOf(bootstrap(risk.length, f.auc, { seed: 11 }));
  return { auc: i.value, aucLow: i.low, aucHigh: i.high };
}

/** The facts a sample must keep for trainHorizon: the features and the health baseline's score. */
export const sampleKeys = (features: readonly string[]) => [...features, 'health.score'];

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Health as a churn score: lower health, higher risk; an unscored account sits at the median. */
function healthRisk(samples: readonly Sample[]): number[] {
  const scores = samples.map((s) => num(s.facts['health.score']));
  const known = scores.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const median = known.length ? known[Math.floor(known.length / 2)] : 50;
  return scores.map((v) => -(v ?? median));
}

/** Usage decline: minus the mean month-over-month change of the workspace's metrics (0 if none). */
function usageDeclineRisk(samples: readonly Sample[], metricKeys: readonly string[]): number[] {
  return samples.map((s) => {
    let sum = 0;
    let n = 0;
    for (const k of metricKeys) {
      const v = num(s.facts[k]);
      if (v !== null) {
        sum += v;
        n++;
      }
    }
    return n ? -(sum / n) : 0;
  });
}

const epochDay = (day: string) => Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000);

export type HorizonResult = { card: HorizonCard; model: TrainedModel | null };

/** Trains and evaluates one horizon's model on its samples. Pure (no database): unit-testable. */
export function trainHorizon(
  horizon: Horizon,
  samples: readonly Sample[],
  features: readonly string[],
  options: { folds?: number; minOutcomes?: number; model?: ModelKind | 'auto' } = {},
): HorizonResult {
  const churned = samples.reduce((s, x) => s + x.churned, 0);
  const stayed = samples.length - churned;
  const outcomes: HorizonCard['outcomes'] = {
    samples: samples.length,
    accounts: new Set(samples.map((s) => s.accountId)).size,
    churned: 0,
  };
  // Counted per kind; `churned` is both a kind and the total of positives, so it is counted once.
  for (const s of samples) outcomes[s.outcome] = (outcomes[s.outcome] ?? 0) + 1;
  const minimum = options.minOutcomes ?? MIN_OUTCOMES;
  const empty = (reason: Message): HorizonResult => ({
    card: {
      horizonDays: horizon,
      published: false,
      reason,
      outcomes,
      metrics: null,
      baselines: null,
      drivers: [],
    },
    model: null,
  });
  if (samples.length === 0) return empty(msg('churn.reason.noHistory', { graceDays: GRACE_DAYS }));
  if (churned < minimum || stayed < minimum) {
    return empty(msg('churn.reason.tooFewOutcomes', { churned, stayed, minimum }));
  }
  const data: Dataset = {
    rows: samples.map((s) => s.facts),
    y: Uint8Array.from(samples, (s) => s.churned),
    groups: samples.map((s) => s.accountId),
    times: samples.map((s) => epochDay(s.endDay)),
    features,
  };
  const selection = selectModel(data, options.folds ?? 5, options.model ?? 'auto');
  const cv = selection.results[selection.chosen]!;
  const candidates: Candidate[] = Object.entries(selection.results).map(([kind, r]) => ({
    kind: kind as ModelKind,
    auc: r.metrics.auc.value,
    aucLow: r.metrics.auc.low,
    aucHigh: r.metrics.auc.high,
    brier: r.metrics.brier.value,
  }));
  const m = cv.metrics;
  const metrics: MetricsCard = {
    n: m.n,
    positives: m.positives,
    auc: m.auc.value,
    aucLow: m.auc.low,
    aucHigh: m.auc.high,
    prAuc: m.prAuc.value,
    prAucLow: m.prAuc.low,
    prAucHigh: m.prAuc.high,
    brier: m.brier.value,
    brierLow: m.brier.low,
    brierHigh: m.brier.high,
    reliability: m.reliability,
  };
  const tested = cv.tested.map((i) => samples[i]);
  const y = tested.map((s) => s.churned as number);
  const metricKeys = features.filter((f) => f.startsWith('metrics.') && f.endsWith('.mom'));
  const baselines = {
    health: baseline(healthRisk(tested), y),
    usageDecline: baseline(usageDeclineRisk(tested, metricKeys), y),
  };
  const all = samples.map((_, i) => i);
  const model = trainModel(data, all, { kind: selection.chosen });
  const drivers = globalDrivers(model, data.rows).slice(0, 15);
  let reason: Message | null = null;
  if (m.auc.value === null || m.auc.low === null || m.auc.low <= 0.5) {
    reason = msg('churn.reason.intervalIncludesHalf', { auc: m.auc.value, low: m.auc.low, high: m.auc.high });
  } else if (m.positives < Math.min(minimum, churned)) {
    reason = msg('churn.reason.tooFewOutcomes', { churned: m.positives, stayed: m.n - m.positives, minimum });
  }
  return {
    card: {
      horizonDays: horizon,
      published: reason === null,
      reason,
      outcomes,
      metrics,
      baselines,
      drivers,
      model: selection.chosen,
      candidates,
    },
    model: reason === null ? model : null,
  };
}

export type TrainInput = {
  day?: string;
  from?: string;
  folds?: number;
  minOutcomes?: number;
  /** The model to fit: chosen by cross-validation ('auto', the default) or one kind. */
  model?: ModelKind | 'auto';
};

/** Builds the training set known today, trains every horizon, stores the version; returns its card. */
export async function trainChurnModel({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: TrainInput;
}): Promise<ChurnModelCard> {
  await authorize(ctx, 'settings:write');
  const day = input.day ?? today(ctx);
  const stateFrom = await firstStateDay(ctx);
  const from = input.from ?? (stateFrom && stateFrom > addDays(day, -730) ? stateFrom : addDays(day, -730));
  const catalogue = await loadCatalogue(ctx);
  const known = await churnInputKeys(ctx);
  const features = featureKeys(catalogue).filter((k) => known.has(k));
  const horizons: HorizonCard[] = [];
  const params: StoredParams = {};
  // One horizon's samples at a time: 100,000 accounts make 400,000 samples over the four.
  for (const h of HORIZONS) {
    const samples = await buildTrainingSet(ctx, { day, from, horizons: [h], keys: sampleKeys(features) });
    const r = trainHorizon(h, samples, features, input);
    horizons.push(r.card);
    if (r.model) params[h] = storeModel(r.model);
  }
  const workspace = await getWorkspace(ctx, ctx.workspace.id);
  const stored: StoredCard = { synthetic: workspace.isDemo, from, features: features.length, horizons };
  const id = newId();
  const trainedAt = nowIso(ctx);
  await inTransaction(ctx, async (tx) => {
    await tx.db
      .insertInto('churn_models')
      .values({
        id,
        workspace_id: tx.workspace.id,
        trained_at: trainedAt,
        trained_by: tx.actor.kind === 'user' ? tx.actor.userId : tx.actor.name,
        as_of: day,
        published: horizons.some((h) => h.published) ? 1 : 0,
        card: JSON.stringify(stored),
        params: JSON.stringify(params),
      })
      .execute();
    await writeAudit(tx, {
      action: 'churn_model.train',
      entityType: 'churn_model',
      entityId: id,
      after: { asOf: day, published: horizons.filter((h) => h.published).map((h) => h.horizonDays) },
    });
  });
  return toCard({ id, trainedAt, asOf: day, card: stored });
}
