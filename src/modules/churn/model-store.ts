// The stored model versions: the card and the fitted parameters, read back for scoring. Imports
// nothing that reads facts, so the churn fact provider can use it without an import cycle.
import type { Ctx } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { type Message, msg } from '../../i18n/index.ts';
import type { Encoder } from './encode.ts';
import type { Forest } from './forest.ts';
import { HORIZONS, type Horizon, type OutcomeKind } from './horizons.ts';
import type { Platt } from './logistic.ts';
import type { ReliabilityBin } from './metrics.ts';
import type { GlobalDriver, ModelKind, TrainedModel } from './model.ts';

export type MetricsCard = {
  n: number;
  positives: number;
  auc: number | null;
  aucLow: number | null;
  aucHigh: number | null;
  prAuc: number | null;
  prAucLow: number | null;
  prAucHigh: number | null;
  brier: number | null;
  brierLow: number | null;
  brierHigh: number | null;
  reliability: ReliabilityBin[];
};

export type Baseline = { auc: number | null; aucLow: number | null; aucHigh: number | null };

/** One candidate model's cross-validated scores on the horizon's samples (same folds for each). */
export type Candidate = {
  kind: ModelKind;
  auc: number | null;
  aucLow: number | null;
  aucHigh: number | null;
  brier: number | null;
};

export type HorizonCard = {
  horizonDays: Horizon;
  published: boolean;
  reason: Message | null;
  outcomes: { samples: number; accounts: number; churned: number } & Partial<Record<OutcomeKind, number>>;
  metrics: MetricsCard | null;
  baselines: { health: Baseline; usageDecline: Baseline } | null;
  drivers: GlobalDriver[];
  /** The model the cross-validation chose (cards stored before the forest: the linear one). */
  model?: ModelKind;
  /** Every candidate's scores, the chosen one's among them (empty before the forest). */
  candidates?: Candidate[];
};

export type StoredCard = { synthetic: boolean; from: string; features: number; horizons: HorizonCard[] };
type StoredModel =
  | {
      kind?: 'logistic';
      encoder: Encoder;
      intercept: number;
      weights: number[];
      platt: Platt;
      lambda: number;
    }
  | { kind: 'forest'; encoder: Encoder; forest: Forest; platt: Platt };
export type StoredParams = Partial<Record<Horizon, StoredModel>>;

export function storeModel(m: TrainedModel): StoredModel {
  if (m.kind === 'forest') return { kind: 'forest', encoder: m.encoder, forest: m.forest, platt: m.platt };
  return {
    kind: 'logistic',
    encoder: m.encoder,
    intercept: m.logistic.intercept,
    weights: [...m.logistic.weights],
    platt: m.platt,
    lambda: m.lambda,
  };
}

export function restoreModel(p: StoredModel): TrainedModel {
  if (p.kind === 'forest') return { kind: 'forest', encoder: p.encoder, forest: p.forest, platt: p.platt };
  return {
    kind: 'logistic',
    encoder: p.encoder,
    logistic: { intercept: p.intercept, weights: Float64Array.from(p.weights) },
    platt: p.platt,
    lambda: p.lambda,
  };
}

export type ChurnModelCard = {
  id: string;
  trainedAt: string;
  asOf: string;
  published: boolean;
  reason: Message | null;
  synthetic: boolean;
  /** The first day of history the training set read. */
  historyFrom: string;
  outcomes: HorizonCard['outcomes'];
  metrics: MetricsCard | null;
  baselines: HorizonCard['baselines'];
  drivers: GlobalDriver[];
  /** The top-level horizon's model: which the cross-validation chose, and every candidate's scores. */
  model: ModelKind;
  candidates: Candidate[];
  /** The horizon the top-level fields describe (90 days when published, else the best published). */
  horizonDays: Horizon;
  horizons: HorizonCard[];
};

export function toCard(r: { id: string; trainedAt: string; asOf: string; card: StoredCard }): ChurnModelCard {
  const published = r.card.horizons.filter((h) => h.published);
  const main =
    published.find((h) => h.horizonDays === 90) ??
    published[0] ??
    r.card.horizons.find((h) => h.horizonDays === 90) ??
    r.card.horizons[0];
  return {
    id: r.id,
    trainedAt: r.trainedAt,
    asOf: r.asOf,
    published: published.length > 0,
    reason: published.length > 0 ? null : (main.reason ?? msg('churn.reason.noPublishedHorizon')),
    synthetic: r.card.synthetic,
    historyFrom: r.card.from,
    outcomes: main.outcomes,
    metrics: main.metrics,
    baselines: main.baselines,
    drivers: main.drivers,
    model: main.model ?? 'logistic',
    candidates: main.candidates ?? [],
    horizonDays: main.horizonDays,
    horizons: r.card.horizons.map((h) => ({
      ...h,
      model: h.model ?? 'logistic',
      candidates: h.candidates ?? [],
    })),
  };
}

export type CurrentModel = {
  card: ChurnModelCard;
  models: Map<Horizon, TrainedModel>;
};

/** The newest model version of the workspace, or null when none was trained. */
export async function loadCurrentModel(ctx: Ctx): Promise<CurrentModel | null> {
  const row = await ctx.db
    .selectFrom('churn_models')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('trained_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  const card = toCard({
    id: row.id,
    trainedAt: row.trained_at,
    asOf: row.as_of,
    card: parseJson<StoredCard>(row.card, { synthetic: false, from: row.as_of, features: 0, horizons: [] }),
  });
  const params = parseJson<StoredParams>(row.params, {});
  const models = new Map<Horizon, TrainedModel>();
  for (const h of HORIZONS) {
    const p = params[h];
    if (!p) continue;
    models.set(h, restoreModel(p));
  }
  return { card, models };
}

/** Model versions, newest first (id, when, published horizons). */
export async function listModelVersions(ctx: Ctx, limit = 20) {
  const rows = await ctx.db
    .selectFrom('churn_models')
    .select(['id', 'trained_at', 'as_of', 'published', 'card'])
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('trained_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const card = parseJson<StoredCard>(r.card, {
      synthetic: false,
      from: r.as_of,
      features: 0,
      horizons: [],
    });
    return {
      id: r.id,
      trainedAt: r.trained_at,
      asOf: r.as_of,
      published: r.published === 1,
      horizons: card.horizons.map((h) => ({
        horizonDays: h.horizonDays,
        published: h.published,
        auc: h.metrics?.auc ?? null,
      })),
    };
  });
}

/**
 * The horizon for an account: the shortest published one that reaches its renewal date (so "risk
 * of churning at the next renewal"), else the longest published; without a renewal date, the one
 * nearest 90 days.
 */
export function pickHorizon(daysToRenewal: number | null, published: readonly Horizon[]): Horizon | null {
  if (published.length === 0) return null;
  const sorted = [...published].sort((a, b) => a - b);
  if (daysToRenewal === null || daysToRenewal < 0) {
    return sorted.reduce((best, h) => (Math.abs(h - 90) < Math.abs(best - 90) ? h : best), sorted[0]);
  }
  return sorted.find((h) => h >= daysToRenewal) ?? sorted[sorted.length - 1];
}
