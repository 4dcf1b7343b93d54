import { z } from '@hono/zod-openapi';

const Num = z.number().nullable();

export const ReliabilityBin = z.object({
  from: z.number(),
  to: z.number(),
  n: z.number().int(),
  predicted: z.number(),
  observed: z.number(),
});

export const ChurnMetrics = z
  .object({
    n: z.number().int().openapi({ description: 'Samples scored out of fold' }),
    positives: z.number().int().openapi({ description: 'Of which churned' }),
    auc: Num,
    aucLow: Num,
    aucHigh: Num,
    prAuc: Num,
    prAucLow: Num,
    prAucHigh: Num,
    brier: Num,
    brierLow: Num,
    brierHigh: Num,
    reliability: z.array(ReliabilityBin),
  })
  .openapi('ChurnMetrics');

const Baseline = z.object({ auc: Num, aucLow: Num, aucHigh: Num });
export const ChurnBaselines = z
  .object({
    health: Baseline.openapi({ description: 'The health score (lower = riskier) on the same samples' }),
    usageDecline: Baseline.openapi({
      description: "Minus the mean month-over-month change of the workspace's metrics",
    }),
  })
  .openapi('ChurnBaselines');

export const GlobalDriver = z
  .object({
    fact: z.string(),
    label: z.string(),
    importance: z.number().openapi({ description: 'Mean absolute contribution, in log-odds' }),
    direction: z.enum(['raises', 'lowers', 'mixed']).openapi('DriverDirection'),
  })
  .openapi('ChurnGlobalDriver');

const Outcomes = z
  .object({
    samples: z.number().int(),
    accounts: z.number().int(),
    churned: z.number().int(),
    renewed: z.number().int().optional(),
    expanded: z.number().int().optional(),
    downgraded: z.number().int().optional(),
    still_active: z.number().int().optional(),
  })
  .openapi('ChurnOutcomes');

export const ModelKindSchema = z
  .enum(['logistic', 'forest'])
  .openapi('ChurnModelKind', { description: 'L2 logistic regression, or a random forest' });

export const ChurnCandidate = z
  .object({
    kind: ModelKindSchema,
    auc: Num,
    aucLow: Num,
    aucHigh: Num,
    brier: Num,
  })
  .openapi('ChurnCandidate', {
    description: "A candidate model's cross-validated scores (same folds for each)",
  });

export const Horizon = z.union([z.literal(30), z.literal(60), z.literal(90), z.literal(180)]);

export const HorizonCard = z
  .object({
    horizonDays: Horizon,
    published: z.boolean(),
    reason: z.string().nullable(),
    outcomes: Outcomes,
    metrics: ChurnMetrics.nullable(),
    baselines: ChurnBaselines.nullable(),
    drivers: z.array(GlobalDriver),
    model: ModelKindSchema.openapi({ description: 'The model the cross-validation chose' }),
    candidates: z.array(ChurnCandidate),
  })
  .openapi('ChurnHorizonCard');

export const ChurnModelCard = z
  .object({
    trained: z.boolean().openapi({ description: 'False until the first training; then the newest version' }),
    id: z.string().nullable(),
    trainedAt: z.string().nullable(),
    asOf: z.string().nullable(),
    published: z.boolean(),
    reason: z.string().nullable().openapi({ description: 'Why no probabilities are published, in words' }),
    synthetic: z.boolean(),
    syntheticNote: z.string().nullable(),
    historyFrom: z.string().nullable(),
    horizonDays: Horizon.nullable(),
    outcomes: Outcomes,
    metrics: ChurnMetrics.nullable(),
    baselines: ChurnBaselines.nullable(),
    drivers: z.array(GlobalDriver),
    model: ModelKindSchema.nullable().openapi({
      description: "The top-level horizon's model (null before training)",
    }),
    candidates: z.array(ChurnCandidate),
    horizons: z.array(HorizonCard),
  })
  .openapi('ChurnModelCard');

export const RiskDriver = z
  .object({
    fact: z.string(),
    label: z.string(),
    value: z.unknown(),
    contribution: z.number().openapi({ description: 'Share of the log-odds against the average account' }),
  })
  .openapi('RiskDriver');

export const AccountRisk = z
  .object({
    probability: z
      .number()
      .nullable()
      .openapi({ description: 'Calibrated probability of churning by the horizon' }),
    horizonDays: Horizon.nullable(),
    drivers: z.array(RiskDriver),
    reason: z.string().nullable(),
  })
  .openapi('AccountRisk');

export const TrainChurn = z
  .object({
    folds: z.number().int().min(2).max(10).optional(),
    model: z
      .enum(['logistic', 'forest', 'auto'])
      .optional()
      .openapi({ description: 'The model to fit; auto (the default) keeps the better by cross-validation' }),
  })
  .openapi('TrainChurn');

export const RiskListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const RankedRisk = z
  .object({
    accountId: z.string(),
    name: z.string(),
    arr: z.number(),
    probability: z.number(),
    arrAtRisk: z.number(),
    horizonDays: Horizon,
    drivers: z.array(RiskDriver),
  })
  .openapi('RankedRisk');
export const RankedRisks = z
  .object({
    items: z.array(RankedRisk),
    scored: z.number().int(),
    totalArrAtRisk: z.number(),
    computedAt: z.string().openapi({
      description: 'When the ranking was computed: kept after the last full recompute, or for this request',
    }),
  })
  .openapi('RankedRisks');
