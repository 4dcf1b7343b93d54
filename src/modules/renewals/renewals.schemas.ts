import { z } from '@hono/zod-openapi';
import { BILLING_PERIODS } from '../accounts/contract-math.ts';
import { Day } from '../segments/index.ts';
import {
  CHURN_REASONS,
  FORECAST_CATEGORIES,
  OPEN_STAGES,
  OUTCOMES,
  PERIODS,
  RENEWAL_STAGES,
} from './revenue.ts';

// Named in the OpenAPI document, so the web app's generated types export their values.
export const RenewalStage = z.enum(RENEWAL_STAGES).openapi('RenewalStage');
export const OpenRenewalStage = z.enum(OPEN_STAGES).openapi('OpenRenewalStage');
export const ForecastCategory = z.enum(FORECAST_CATEGORIES).openapi('ForecastCategory');
/** The categories a person may set; closed_won / closed_lost follow from the outcome. */
export const EditableForecastCategory = z
  .enum(['commit', 'probable', 'at_risk'])
  .openapi('EditableForecastCategory');
export const RenewalOutcome = z.enum(OUTCOMES).openapi('RenewalOutcome');
export const ChurnReason = z.enum(CHURN_REASONS).openapi('ChurnReason');

export const Renewal = z.object({
  contractId: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  daysToRenewal: z.number(),
  /** In the 90-day renewal window (or past the end date and still open). */
  inWindow: z.boolean(),
  /** The contract's ARR in the base currency: what is up for renewal. */
  arr: z.number(),
  currency: z.string(),
  stage: RenewalStage,
  closed: z.boolean(),
  probability: z.number(),
  probabilitySource: z.enum(['health', 'model', 'stage', 'manual', 'outcome']),
  probabilityReason: z.string().nullable(),
  forecastCategory: ForecastCategory,
  forecastReason: z.string().nullable(),
  /** ARR expected from the renewal (default: the contract's ARR; a closed one: the successor's). */
  expectedArr: z.number(),
  weightedArr: z.number(),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  healthStatus: z.string().nullable(),
  healthScore: z.number().nullable(),
  tier: z.string().nullable(),
  nextContractId: z.string().nullable(),
  // A union, not .nullable(): the named schema itself must stay without null.
  churnReason: z.union([ChurnReason, z.null()]),
  churnNote: z.string().nullable(),
  closedOn: z.string().nullable(),
  notes: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type Renewal = z.infer<typeof Renewal>;

/**
 * A list filter in the query string: one value, several (`risk=danger&risk=fair`) or a comma list
 * (`risk=danger,fair`). Verbs parse their input again, so an already-parsed array is accepted too.
 */
const listParam = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) =>
      v === undefined
        ? undefined
        : (Array.isArray(v) ? v : [v])
            .flatMap((s) => s.split(','))
            .map((s) => s.trim())
            .filter(Boolean),
    )
    .pipe(z.array(item).optional())
    .openapi({ type: 'array', items: { type: 'string' } });

/** What the pipeline list, its window and its monthly chart are filtered by, so they always agree. */
export const RenewalFilters = z.object({
  stage: listParam(RenewalStage),
  ownerId: z.string().optional(),
  /** Health status of the account: a status band key (excellent, fair, danger...) or none. */
  risk: listParam(z.string().min(1).max(100)),
  forecastCategory: listParam(ForecastCategory),
  /** `open`: not yet closed; `all` (default): closed ones too. */
  status: z.enum(['open', 'all']).default('all'),
});
export type RenewalFilters = z.output<typeof RenewalFilters>;

export const ListRenewals = RenewalFilters.extend({
  /** Contracts ending from today up to this many months ahead (and open ones up to 90 days past). */
  months: z.coerce.number().int().min(1).max(24).default(6),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListRenewals = z.output<typeof ListRenewals>;

export const WindowQuery = RenewalFilters.extend({
  days: z.coerce.number().int().min(1).max(365).default(90),
  /** How many of the window's renewals to return in `items` (soonest first); totals count them all. */
  limit: z.coerce.number().int().min(0).max(500).default(500),
});
export type WindowQuery = z.output<typeof WindowQuery>;

const Reason = z.string().trim().min(1).max(1000);

export const UpdateRenewal = z
  .object({
    stage: OpenRenewalStage,
    probability: z.number().min(0).max(1).nullable(),
    probabilityReason: Reason,
    forecastCategory: z.union([EditableForecastCategory, z.null()]),
    forecastReason: Reason,
    expectedArr: z.number().min(0).max(1e12).nullable(),
    /** Currency of expectedArr (default the base currency); converted at today's rate. */
    expectedCurrency: z.string().length(3).optional(),
    ownerId: z.string().min(1).nullable(),
    notes: z.string().max(5000).nullable(),
  })
  .partial()
  .superRefine((v, ctx) => {
    if (v.probability != null && !v.probabilityReason) {
      ctx.addIssue({
        code: 'custom',
        path: ['probabilityReason'],
        message: 'say why when you change the probability',
      });
    }
    if (v.forecastCategory != null && !v.forecastReason) {
      ctx.addIssue({
        code: 'custom',
        path: ['forecastReason'],
        message: 'say why when you change the category',
      });
    }
  });
export type UpdateRenewal = z.input<typeof UpdateRenewal>;

export const RecordOutcome = z
  .object({
    outcome: RenewalOutcome,
    /** The next contract (renewed, expanded, downgraded); defaults: the day after the end, the same term, amount and currency. */
    startDate: Day.optional(),
    endDate: Day.optional(),
    amount: z.number().min(0).max(1e12).optional(),
    currency: z.string().length(3).optional(),
    billingPeriod: z.enum(BILLING_PERIODS).optional(),
    churnReason: ChurnReason.optional(),
    churnNote: z.string().trim().max(2000).optional(),
    /** When the outcome was decided; default today. */
    closedOn: Day.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.outcome === 'churned' && !v.churnReason) {
      ctx.addIssue({ code: 'custom', path: ['churnReason'], message: 'a churn needs a reason code' });
    }
    if ((v.outcome === 'expanded' || v.outcome === 'downgraded') && v.amount === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `an ${v.outcome} renewal needs the new amount`,
      });
    }
  });
export type RecordOutcome = z.input<typeof RecordOutcome>;

export const RenewalWindow = z.object({
  day: z.string(),
  days: z.number(),
  totals: z.object({
    contracts: z.number(),
    /** Distinct accounts among those contracts. */
    accounts: z.number(),
    arr: z.number(),
    expectedArr: z.number(),
    weightedArr: z.number(),
  }),
  byStage: z.array(z.object({ stage: z.string(), contracts: z.number(), arr: z.number() })),
  byRisk: z.array(
    z.object({ risk: z.string(), contracts: z.number(), arr: z.number(), weightedArr: z.number() }),
  ),
  byForecast: z.array(z.object({ category: z.string(), contracts: z.number(), arr: z.number() })),
  items: z.array(Renewal),
});

export const ArrQuery = z.object({
  by: z.enum(['tier', 'segment', 'owner', 'region', 'industry']).default('tier'),
});
export type ArrQuery = z.output<typeof ArrQuery>;
export const ArrBreakdown = z.object({
  day: z.string(),
  by: z.string(),
  currency: z.string(),
  total: z.object({ accounts: z.number(), arr: z.number() }),
  items: z.array(
    z.object({ key: z.string().nullable(), label: z.string(), accounts: z.number(), arr: z.number() }),
  ),
});

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM');

export const RetentionQuery = z.object({
  period: z.enum(PERIODS).default('quarter'),
  /** How many periods back from the current one (the current one included). */
  periods: z.coerce.number().int().min(1).max(36).default(4),
  /** Group accounts by when their first contract started. */
  cohort: z.enum(['none', 'year', 'quarter']).default('none'),
});
export type RetentionQuery = z.output<typeof RetentionQuery>;
export const RetentionRow = z.object({
  period: z.string(),
  from: z.string(),
  to: z.string(),
  cohort: z.string(),
  accounts: z.number(),
  startArr: z.number(),
  endArr: z.number(),
  expansion: z.number(),
  contraction: z.number(),
  churn: z.number(),
  grr: z.number().nullable(),
  nrr: z.number().nullable(),
});
export const RetentionOut = z.object({ currency: z.string(), items: z.array(RetentionRow) });

export const MovementQuery = z.object({ from: Month.optional(), to: Month.optional() });
export type MovementQuery = z.output<typeof MovementQuery>;
export const MovementOut = z.object({
  currency: z.string(),
  items: z.array(
    z.object({
      month: z.string(),
      startArr: z.number(),
      new: z.number(),
      expansion: z.number(),
      contraction: z.number(),
      churn: z.number(),
      endArr: z.number(),
    }),
  ),
});

export const ForecastQuery = RenewalFilters.extend({
  months: z.coerce.number().int().min(1).max(24).default(6),
});
export type ForecastQuery = z.output<typeof ForecastQuery>;
export const ForecastOut = z.object({
  currency: z.string(),
  items: z.array(
    z.object({
      month: z.string(),
      contracts: z.number(),
      arr: z.number(),
      expectedArr: z.number(),
      weightedArr: z.number(),
      /** Open and won expansion opportunities closing in the month (ownerId filters by their owner). */
      expansionOpportunities: z.number(),
      /** The ARR they add, and weighted by stage probability (identified 0.1 ... negotiation 0.75, won 1). */
      expansionArr: z.number(),
      expansionWeightedArr: z.number(),
      byRisk: z.array(
        z.object({ risk: z.string(), contracts: z.number(), arr: z.number(), weightedArr: z.number() }),
      ),
      byCategory: z.array(z.object({ category: z.string(), contracts: z.number(), arr: z.number() })),
    }),
  ),
});

export const ChurnQuery = z.object({ from: Day.optional(), to: Day.optional() });
export type ChurnQuery = z.output<typeof ChurnQuery>;
export const ChurnReasonsOut = z.object({
  currency: z.string(),
  from: z.string(),
  to: z.string(),
  churn: z.array(z.object({ reason: z.string(), contracts: z.number(), arr: z.number() })),
  expansion: z.object({ contracts: z.number(), arr: z.number() }),
  downgrade: z.object({ contracts: z.number(), arr: z.number() }),
});
