// "Fit weights": component weights proposed from renewal outcomes, with the backtest before and
// after. The samples are calibration's (each ended contract's stored snapshot some days before
// its end, so nothing later is read); the maths is in fit-weights-maths.ts. Applying the proposal
// is an ordinary model update (PATCH /health-models/{id} with `proposed.dimensions`).
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { type Message, msg, render } from '../../i18n/index.ts';
import { localeOf } from '../../i18n/request-locale.ts';
import { authorize } from '../auth/index.ts';
import { ModelRef } from './account-health.ts';
import { loadOutcomeSamples } from './calibration.ts';
import {
  backtestScores,
  componentId,
  componentShares,
  crossValidateShares,
  dimensionsWithShares,
  fitShares,
  scoreWith,
  type WeightSample,
} from './fit-weights-maths.ts';
import { Dimension } from './health-model.schemas.ts';
import { loadHealthModels } from './health-models.ts';

export const FitWeightsQuery = z.object({
  daysBefore: z.coerce.number().int().min(1).max(730).default(90),
  windowDays: z.coerce.number().int().min(0).max(90).default(14),
  /** Model id or key; default the first model. */
  model: z.string().min(1).optional(),
});
export type FitWeightsQuery = z.input<typeof FitWeightsQuery>;

const Result = z.object({
  auc: z.number().nullable(),
  flagged: z.number(),
  truePositives: z.number(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
});
export const FitWeights = z.object({
  model: ModelRef,
  daysBefore: z.number(),
  windowDays: z.number(),
  outcomes: z.object({ total: z.number(), renewed: z.number(), churned: z.number() }),
  /** Why there is no proposal, in the reader's language; null when there is one. */
  reason: z.string().nullable(),
  components: z.array(
    z.object({
      dimension: z.string(),
      key: z.string(),
      name: z.string(),
      /** Outcomes whose snapshot had a value for it. */
      observed: z.number(),
      currentShare: z.number(),
      proposedShare: z.number().nullable(),
      /** Change in the log-odds of churn per point of the component (negative: protects). */
      coefficient: z.number().nullable(),
    }),
  ),
  /** The model's dimensions with the proposed weights: send them to PATCH /health-models/{id}. */
  proposed: z.object({ dimensions: z.array(Dimension) }).nullable(),
  backtest: z.object({
    /** Scores recombined from the snapshots' components with the current and the proposed weights. */
    before: Result,
    after: Result.nullable(),
    /** Fitted on earlier outcomes only, tested on later accounts never seen (time-ordered grouped folds). */
    crossValidated: z.object({ n: z.number(), before: z.number().nullable(), after: z.number().nullable() }),
  }),
});
export type FitWeights = z.infer<typeof FitWeights>;

/** Fewer outcomes of either kind than this and a fit would only echo noise. */
export const MIN_OUTCOMES = 10;

export async function fitHealthWeights({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: FitWeightsQuery;
}): Promise<FitWeights> {
  await authorize(ctx, 'read');
  const q = FitWeightsQuery.parse(input);
  const models = await loadHealthModels(ctx);
  const model = q.model ? models.find((m) => m.id === q.model || m.key === q.model) : models[0];
  if (!model) throw notFound('Health model', q.model);
  const { total, samples: stored } = await loadOutcomeSamples(ctx, model.id, q.daysBefore, q.windowDays);
  const current = componentShares(model.dimensions);
  const samples: WeightSample[] = stored.map((s) => ({
    accountId: s.accountId,
    renewed: s.renewed,
    time: Math.floor(Date.parse(`${s.endDate}T00:00:00Z`) / 86_400_000),
    values: new Map(
      s.components
        .filter((c) => current.has(componentId(c.dimension, c.key)))
        .map((c) => [componentId(c.dimension, c.key), c.normalised]),
    ),
  }));
  const renewed = samples.filter((s) => s.renewed).length;
  const churned = samples.length - renewed;
  const text = (m: Message) => render(localeOf(ctx), m);
  let reason: string | null = null;
  let fit: ReturnType<typeof fitShares> = null;
  if (renewed < MIN_OUTCOMES || churned < MIN_OUTCOMES)
    reason = text(msg('health.fit.tooFew', { renewed, churned, min: MIN_OUTCOMES }));
  else if (!samples.some((s) => s.values.size > 0)) reason = text(msg('health.fit.noComponents'));
  else {
    fit = fitShares(samples, current);
    if (!fit) reason = text(msg('health.fit.noSignal'));
  }
  const before = samples.map((s) => scoreWith(current, s.values));
  const after = fit ? samples.map((s) => scoreWith(fit.shares, s.values)) : null;
  return {
    model: { id: model.id, key: model.key, name: model.name },
    daysBefore: q.daysBefore,
    windowDays: q.windowDays,
    outcomes: { total, renewed, churned },
    reason,
    components: model.dimensions.flatMap((d) =>
      d.components.map((c) => {
        const id = componentId(d.key, c.key);
        return {
          dimension: d.key,
          key: c.key,
          name: c.name,
          observed: samples.filter((s) => s.values.has(id)).length,
          currentShare: current.get(id)!,
          proposedShare: fit?.shares.get(id) ?? null,
          coefficient: fit?.coefficients.get(id) ?? null,
        };
      }),
    ),
    proposed: fit ? { dimensions: dimensionsWithShares(model.dimensions, fit.shares) } : null,
    backtest: {
      before: backtestScores(samples, before, model.bands),
      after: after ? backtestScores(samples, after, model.bands) : null,
      crossValidated: reason ? { n: 0, before: null, after: null } : crossValidateShares(samples, current),
    },
  };
}
