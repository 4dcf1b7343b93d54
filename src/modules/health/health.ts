// An account's health as people read it (score, status, what it is made of, what moved it, trend,
// sentiment), its daily history, recording a CSM's sentiment, and calibrating bands from renewals.
import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { invalid, notFound } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { addDays, daysBetween, isValidDay, nowIso, today } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { buildFacts } from '../facts/build-facts.ts';
import { loadStateFacts } from '../facts/facts.ts';
import { loadMetrics } from '../metrics/index.ts';
import { writeTimeline } from '../timeline/index.ts';
import { backtest, defaultPercentiles, type OutcomeSample, proposeBands } from './calibrate.ts';
import { DEFAULT_MODEL_ID, defaultHealthModel } from './default-model.ts';
import { SENTIMENT_KEY, StatusBand } from './model.ts';
import { healthModelRowToModel, loadCatalogueMap, loadHealthModels, type ScoringModel } from './models.ts';
import {
  type LoadedSentiment,
  loadScoresAsOf,
  loadSentiments,
  type Sentiment,
  type StoredScore,
  scoreAll,
} from './pipeline.ts';
import { explain } from './scoring.ts';

/** The recompute runs daily; a snapshot older than this is stale and the score is computed live. */
const STALE_AFTER_DAYS = 2;
const DEFAULT_SENTIMENT_DAYS = 90;

const ModelRef = z.object({ id: z.string(), key: z.string(), name: z.string() });
const Side = z.object({ raw: z.number(), normalised: z.number(), contribution: z.number() }).nullable();

export const SentimentOut = z.object({
  id: z.string(),
  accountId: z.string(),
  userId: z.string().nullable(),
  score: z.number(),
  reason: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export const CurrentSentiment = SentimentOut.extend({
  ageDays: z.number(),
  /** Past the model's expiresAfterDays: shown, but no longer part of the score. */
  expired: z.boolean(),
});

export const AccountHealth = z.object({
  accountId: z.string(),
  /** The day the score is for (today when computed live). */
  day: z.string(),
  /** `stored`: the last recompute's snapshot; `live`: none recent, computed now from today's facts. */
  source: z.enum(['stored', 'live']),
  score: z.number().nullable(),
  status: z.string().nullable(),
  band: StatusBand.nullable(),
  model: ModelRef.nullable(),
  components: z.array(
    z.object({
      dimension: z.string(),
      dimensionName: z.string().nullable(),
      key: z.string(),
      name: z.string().nullable(),
      fact: z.string(),
      raw: z.number(),
      normalised: z.number(),
      weight: z.number(),
      /** Points of the 0-100 score; the contributions add up to it. */
      contribution: z.number(),
    }),
  ),
  /** The model's components left out because their fact had no value. */
  missing: z.array(
    z.object({ dimension: z.string(), key: z.string(), name: z.string().nullable(), fact: z.string() }),
  ),
  change: z
    .object({
      since: z.string(),
      scoreBefore: z.number().nullable(),
      statusBefore: z.string().nullable(),
      change: z.number().nullable(),
      /** Each component's change in contribution, biggest first: what moved it. */
      movedBy: z.array(
        z.object({
          dimension: z.string(),
          key: z.string(),
          name: z.string().nullable(),
          fact: z.string(),
          before: Side,
          after: Side,
          change: z.number(),
        }),
      ),
    })
    .nullable(),
  trend7d: z.number().nullable(),
  trend30d: z.number().nullable(),
  sentiment: CurrentSentiment.nullable(),
});
export type AccountHealth = z.infer<typeof AccountHealth>;

async function requireAccount(ctx: Ctx, accountId: string) {
  const row = await ctx.db
    .selectFrom('accounts')
    .select(['id', 'name'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!row) throw notFound('Account', accountId);
  return row;
}

/** A model by id, including deleted-but-referenced ones (null) and the built-in default. */
async function findScoringModel(ctx: Ctx, id: string): Promise<ScoringModel | null> {
  const row = await ctx.db
    .selectFrom('health_models')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (row) return healthModelRowToModel(row);
  if (id === DEFAULT_MODEL_ID) return { ...defaultHealthModel(await loadMetrics(ctx)), id: DEFAULT_MODEL_ID };
  return null;
}

function names(model: ScoringModel | null) {
  const dims = new Map<string, string>([[SENTIMENT_KEY, 'Sentiment']]);
  const comps = new Map<string, string>([[`${SENTIMENT_KEY}\u0000${SENTIMENT_KEY}`, 'CSM sentiment']]);
  for (const d of model?.dimensions ?? []) {
    dims.set(d.key, d.name);
    for (const c of d.components) comps.set(`${d.key}\u0000${c.key}`, c.name);
  }
  return {
    dimension: (key: string) => dims.get(key) ?? null,
    component: (dimension: string, key: string) => comps.get(`${dimension}\u0000${key}`) ?? null,
  };
}

/** Today's facts for every account (percentiles rank among all), with the stored derived state. */
async function currentFacts(ctx: Ctx, day: string) {
  const facts = await buildFacts(ctx, null, day);
  const state = await loadStateFacts(ctx, null, day);
  for (const [id, f] of facts) Object.assign(f, state.get(id));
  return facts;
}

export async function getAccountHealth({
  ctx,
  accountId,
}: {
  ctx: Ctx;
  accountId: string;
}): Promise<AccountHealth> {
  await authorize(ctx, 'read');
  await requireAccount(ctx, accountId);
  const day = today(ctx);
  const accountIds = [accountId];
  let current: StoredScore | undefined = (
    await loadScoresAsOf(ctx, day, { accountIds, toleranceDays: STALE_AFTER_DAYS })
  ).get(accountId);
  let source: AccountHealth['source'] = 'stored';
  let model: ScoringModel | null = null;
  if (current) model = await findScoringModel(ctx, current.modelId);
  else {
    source = 'live';
    const models = await loadHealthModels(ctx);
    const scores = scoreAll(
      models,
      await currentFacts(ctx, day),
      await loadCatalogueMap(ctx),
      await loadSentiments(ctx, day),
    );
    const s = scores.get(accountId);
    if (s) {
      current = {
        accountId,
        day,
        modelId: s.modelId,
        score: s.score,
        status: s.status,
        components: s.components,
      };
      model = models.find((m) => m.id === s.modelId) ?? null;
    }
  }
  const n = names(model);

  let change: AccountHealth['change'] = null;
  let trend30d: number | null = null;
  if (current) {
    const since = addDays(current.day, -7);
    const week = (await loadScoresAsOf(ctx, since, { accountIds, toleranceDays: 7 })).get(accountId);
    if (week) {
      const e = explain(current, week);
      change = {
        since: week.day,
        scoreBefore: e.scoreBefore,
        statusBefore: e.statusBefore,
        change: e.change,
        movedBy: e.movedBy.map((m) => ({ ...m, name: n.component(m.dimension, m.key) })),
      };
    }
    const month = (
      await loadScoresAsOf(ctx, addDays(current.day, -30), { accountIds, toleranceDays: 7 })
    ).get(accountId);
    if (month && month.score !== null && current.score !== null) {
      trend30d = Math.round((current.score - month.score) * 100) / 100;
    }
  }

  const scored = new Set(current?.components.map((c) => `${c.dimension}\u0000${c.key}`));
  const missing: AccountHealth['missing'] = [];
  for (const d of model?.dimensions ?? []) {
    for (const c of d.components) {
      if (!scored.has(`${d.key}\u0000${c.key}`))
        missing.push({ dimension: d.key, key: c.key, name: c.name, fact: c.fact });
    }
  }
  if (model?.sentiment && current && !scored.has(`${SENTIMENT_KEY}\u0000${SENTIMENT_KEY}`)) {
    missing.push({
      dimension: SENTIMENT_KEY,
      key: SENTIMENT_KEY,
      name: 'CSM sentiment',
      fact: 'health.sentiment',
    });
  }

  const latest = (await loadSentiments(ctx, day, accountIds)).get(accountId);
  return {
    accountId,
    day: current?.day ?? day,
    source,
    score: current?.score ?? null,
    status: current?.status ?? null,
    band: (current?.status && model?.bands.find((b) => b.key === current.status)) || null,
    model: model ? { id: model.id, key: model.key, name: model.name } : null,
    components: (current?.components ?? []).map((c) => ({
      ...c,
      dimensionName: n.dimension(c.dimension),
      name: n.component(c.dimension, c.key),
    })),
    missing,
    change,
    trend7d: change?.change ?? null,
    trend30d,
    sentiment: latest ? currentSentiment(ctx, latest, model) : null,
  };
}

function currentSentiment(ctx: Ctx, s: LoadedSentiment, model: ScoringModel | null) {
  const expired = model?.sentiment
    ? s.ageDays >= model.sentiment.expiresAfterDays
    : s.expiresAt <= nowIso(ctx);
  const { ageDays, ...rest } = s;
  return { ...rest, ageDays, expired };
}

const Day = z.string().refine(isValidDay, 'must be a day YYYY-MM-DD');
export const HealthHistoryQuery = z.object({
  /** Default: 89 days before `to`. */
  from: Day.optional(),
  /** Default: today. */
  to: Day.optional(),
});
export type HealthHistoryQuery = z.infer<typeof HealthHistoryQuery>;
export const HealthHistory = z.object({
  accountId: z.string(),
  from: z.string(),
  to: z.string(),
  items: z.array(
    z.object({
      day: z.string(),
      score: z.number().nullable(),
      status: z.string().nullable(),
      modelId: z.string(),
    }),
  ),
});

const MAX_HISTORY_DAYS = 3660;

/** Daily stored scores, oldest first; days without a snapshot are simply absent. */
export async function getAccountHealthHistory({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: HealthHistoryQuery;
}) {
  await authorize(ctx, 'read');
  const data = HealthHistoryQuery.parse(input);
  await requireAccount(ctx, accountId);
  const to = data.to ?? today(ctx);
  const from = data.from ?? addDays(to, -89);
  if (from > to)
    throw invalid('Invalid query: from: must not be after to', {
      issues: [{ path: 'from', message: 'must not be after to' }],
    });
  if (daysBetween(from, to) > MAX_HISTORY_DAYS) {
    throw invalid(`Invalid query: from: at most ${MAX_HISTORY_DAYS} days at a time`, {
      issues: [{ path: 'from', message: `at most ${MAX_HISTORY_DAYS} days at a time` }],
    });
  }
  const rows = await ctx.db
    .selectFrom('health_scores')
    .select(['day', 'score', 'status', 'model_id'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', accountId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .orderBy('day')
    .execute();
  return {
    accountId,
    from,
    to,
    items: rows.map((r) => ({
      day: r.day,
      score: r.score === null ? null : Number(r.score),
      status: r.status,
      modelId: r.model_id,
    })),
  };
}

export const RecordSentiment = z.object({
  score: z.int().min(1).max(5),
  reason: z.string().trim().min(1).max(2000),
});
export type RecordSentiment = z.input<typeof RecordSentiment>;

/**
 * A CSM's read of the account, 1 (about to leave) to 5 (delighted), with why. It counts in the
 * score from the next recompute until the governing model's expiresAfterDays; recorded on the
 * timeline so the team sees it.
 */
export async function recordSentiment({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: RecordSentiment;
}): Promise<Sentiment> {
  await authorize(ctx, 'notes:write', accountId);
  const data = RecordSentiment.parse(input);
  return inTransaction(ctx, async (tx) => {
    await requireAccount(tx, accountId);
    const state = await tx.db
      .selectFrom('account_states')
      .select('health_model_id')
      .where('workspace_id', '=', tx.workspace.id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    const governing = state?.health_model_id ? await findScoringModel(tx, state.health_model_id) : null;
    const days =
      governing?.sentiment?.expiresAfterDays ??
      (await loadHealthModels(tx)).find((m) => m.sentiment)?.sentiment?.expiresAfterDays ??
      DEFAULT_SENTIMENT_DAYS;
    const now = tx.now();
    const sentiment: Sentiment = {
      id: newId(),
      accountId,
      userId: tx.actor.kind === 'user' ? tx.actor.userId : null,
      score: data.score,
      reason: data.reason,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + days * 86_400_000).toISOString(),
    };
    await tx.db
      .insertInto('health_sentiments')
      .values({
        id: sentiment.id,
        workspace_id: tx.workspace.id,
        account_id: accountId,
        user_id: sentiment.userId,
        score: sentiment.score,
        reason: sentiment.reason,
        created_at: sentiment.createdAt,
        expires_at: sentiment.expiresAt,
      })
      .execute();
    await writeAudit(tx, {
      action: 'health_sentiment.created',
      entityType: 'health_sentiment',
      entityId: sentiment.id,
      after: sentiment,
    });
    await writeTimeline(tx, {
      accountId,
      type: 'health.sentiment',
      title: `Sentiment ${sentiment.score}/5`,
      body: sentiment.reason,
      entityType: 'health_sentiment',
      entityId: sentiment.id,
      data: { score: sentiment.score },
    });
    return sentiment;
  });
}

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
      ? `needs ${model.bands.length - 1} values for ${model.bands.length} bands`
      : percentiles.some((p, i) => p < 0 || p > 100 || (i > 0 && p >= percentiles[i - 1]!))
        ? 'must fall from one value to the next, each between 0 and 100'
        : null;
  if (problem)
    throw invalid(`Invalid query: percentiles: ${problem}`, {
      issues: [{ path: 'percentiles', message: problem }],
    });

  const asOf = today(ctx);
  const contracts = await ctx.db
    .selectFrom('contracts')
    .select(['id', 'account_id', 'end_date', 'status'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('end_date', 'is not', null)
    .where('end_date', '<', asOf)
    .where('status', 'in', [...RENEWED, 'churned'])
    .orderBy('end_date')
    .orderBy('id')
    .execute();
  const samples: (OutcomeSample & Calibration['samples'][number])[] = [];
  for (const c of contracts) {
    const target = addDays(c.end_date!, -q.daysBefore);
    const snap = await ctx.db
      .selectFrom('health_scores')
      .select(['day', 'score'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('account_id', '=', c.account_id)
      .where('day', '<=', target)
      .where('day', '>=', addDays(target, -q.windowDays))
      .where('model_id', '=', model.id)
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
    });
  }
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
    outcomes: { total: contracts.length, withoutScore: contracts.length - samples.length },
    currentBands: model.bands,
    proposedBands,
    backtest: backtest(samples, model.bands, proposedBands),
    samples: samples.map(({ renewed: _, ...s }) => s),
  };
}
