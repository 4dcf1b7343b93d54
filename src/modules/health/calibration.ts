// Calibrating a model's status bands from renewal outcomes (seed 004), with a backtest: the verb
// that loads the samples; the maths is in calibration-maths.ts.
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { invalidField, notFound } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { addDays, today } from '../../time.ts';
import { contractsView, readableAccount } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import { ModelRef } from './account-health.ts';
import { backtest, defaultPercentiles, type OutcomeSample, proposeBands } from './calibration-maths.ts';
import { StatusBand } from './health-model.schemas.ts';
import { loadHealthModels } from './health-models.ts';
import type { StoredScore } from './snapshots.ts';

export const CalibrationQuery = z.object({
  daysBefore: z.coerce.number().int().min(1).max(730).default(90),
  /** How far before the target day the nearest snapshot may be. */
  windowDays: z.coerce.number().int().min(0).max(90).default(14),
  /** Model id or key; default the first model. */
  model: z.string().min(1).optional(),
  /**
   * Percentiles of the renewed accounts' scores where each band but the last starts, best first,
   * comma-separated. Default for three bands `50,10`: danger below the 10th, fair below the median.
   */
  percentiles: z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'must be numbers separated by commas, e.g. 50,10')
    .optional(),
});
export type CalibrationQuery = z.input<typeof CalibrationQuery>;

const Classification = z.object({
  flagged: z.number(),
  truePositives: z.number(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
});
export const Calibration = z.object({
  model: ModelRef,
  asOf: z.string(),
  daysBefore: z.number(),
  windowDays: z.number(),
  percentiles: z.array(z.number()),
  outcomes: z.object({
    /** Contracts ended before today marked renewed, expanded or downgraded (renewed) or churned. */
    total: z.number(),
    /** Of those, without a snapshot of this model in the window: left out. */
    withoutScore: z.number(),
  }),
  currentBands: z.array(StatusBand),
  /** null when no scored account renewed. */
  proposedBands: z.array(StatusBand).nullable(),
  backtest: z.object({
    renewed: z.number(),
    churned: z.number(),
    auc: z.number().nullable(),
    current: Classification,
    proposed: Classification.nullable(),
  }),
  samples: z.array(
    z.object({
      contractId: z.string(),
      accountId: z.string(),
      endDate: z.string(),
      outcome: z.enum(['renewed', 'churned']),
      day: z.string(),
      score: z.number(),
    }),
  ),
});
export type Calibration = z.infer<typeof Calibration>;

const RENEWED = ['renewed', 'expanded', 'downgraded'];

export type StoredOutcome = OutcomeSample &
  Calibration['samples'][number] & { components: StoredScore['components'] };

/**
 * Every contract that ended before today renewed (expanded, downgraded) or churned, with the
 * account's stored snapshot of this model `daysBefore` days before the end (the nearest on or
 * before that day within `windowDays`): the score and components as they were computed then, so
 * nothing after that day is read. Contracts without such a snapshot are counted in `total` only.
 * One indexed lookup per outcome: an on-demand report, not a hot path.
 */
export async function loadOutcomeSamples(
  ctx: Ctx,
  modelId: string,
  daysBefore: number,
  windowDays: number,
): Promise<{ total: number; samples: StoredOutcome[] }> {
  const contracts = await ctx.db
    .selectFrom(contractsView(ctx).as('c'))
    .select(['id', 'account_id', 'end_date', 'status'])
    .where('end_date', 'is not', null)
    .where('end_date', '<', today(ctx))
    .where('status', 'in', [...RENEWED, 'churned'])
    .where(readableAccount(ctx, 'c.account_id'))
    .orderBy('end_date')
    .orderBy('id')
    .execute();
  const samples: StoredOutcome[] = [];
  for (const c of contracts) {
    const target = addDays(c.end_date!, -daysBefore);
    const snap = await ctx.db
      .selectFrom('health_scores')
      .select(['day', 'score', 'components'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('account_id', '=', c.account_id)
      .where('day', '<=', target)
      .where('day', '>=', addDays(target, -windowDays))
      .where('model_id', '=', modelId)
      .where('score', 'is not', null)
      .orderBy('day', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!snap || snap.score === null) continue;
    const renewed = RENEWED.includes(c.status);
    samples.push({
      contractId: c.id,
      accountId: c.account_id,
      endDate: c.end_date!,
      outcome: renewed ? 'renewed' : 'churned',
      renewed,
      day: snap.day,
      score: Number(snap.score),
      components: parseJson<StoredScore['components']>(snap.components, []),
    });
  }
  return { total: contracts.length, samples };
}

/**
 * Seed 004's thresholds from the accounts that renewed. For every contract that has ended with an
 * outcome, the account's stored score `daysBefore` days before the end (the nearest snapshot of
 * this model on or before that day, within `windowDays`): bands proposed from the renewed
 * accounts' distribution, and a backtest of how well those scores foretold renewal vs churn.
 * One indexed lookup per outcome: this is an on-demand report, not a hot path.
 */
export async function getHealthCalibration({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CalibrationQuery;
}): Promise<Calibration> {
  await authorize(ctx, 'read');
  const q = CalibrationQuery.parse(input);
  const models = await loadHealthModels(ctx);
  const model = q.model ? models.find((m) => m.id === q.model || m.key === q.model) : models[0];
  if (!model) throw notFound('Health model', q.model);
  const percentiles = q.percentiles
    ? q.percentiles.split(',').map(Number)
    : defaultPercentiles(model.bands.length);
  const problem =
    percentiles.length !== model.bands.length - 1
      ? msg('health.error.percentiles', { count: model.bands.length - 1, bands: model.bands.length })
      : percentiles.some((p, i) => p < 0 || p > 100 || (i > 0 && p >= percentiles[i - 1]!))
        ? msg('health.error.percentilesOrder')
        : null;
  if (problem) throw invalidField('percentiles', problem, 'query');

  const asOf = today(ctx);
  const { total, samples } = await loadOutcomeSamples(ctx, model.id, q.daysBefore, q.windowDays);
  const proposedBands = proposeBands(
    model.bands,
    samples.filter((s) => s.renewed).map((s) => s.score),
    percentiles,
  );
  return {
    model: { id: model.id, key: model.key, name: model.name },
    asOf,
    daysBefore: q.daysBefore,
    windowDays: q.windowDays,
    percentiles,
    outcomes: { total, withoutScore: total - samples.length },
    currentBands: model.bands,
    proposedBands,
    backtest: backtest(samples, model.bands, proposedBands),
    samples: samples.map(({ renewed: _, components: __, ...s }) => s),
  };
}
