// An account's health as people read it: score, status, what it is made of, what moved it, trend
// and sentiment (Account 360).
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { type Locale, msg, render } from '../../i18n/index.ts';
import { localeOf } from '../../i18n/request-locale.ts';
import { addDays, nowIso, today } from '../../time.ts';
import { getAccountRef } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import { lookbackToleranceDays } from '../facts/batch-env.ts';
import { loadEvaluationBatch } from '../facts/evaluation-batch.ts';
import { loadCurrentStates } from '../state/index.ts';
import { SENTIMENT_KEY, StatusBand } from './health-model.schemas.ts';
import { findScoringModel, loadCatalogueMap, loadHealthModels, type ScoringModel } from './health-models.ts';
import { scoreAll } from './score-batch.ts';
import { explain } from './score-maths.ts';
import { CurrentSentiment, type LoadedSentiment, loadSentiments } from './sentiments.ts';
import { loadScoresAsOf, type StoredScore, trendOf } from './snapshots.ts';

/** The recompute runs daily; a snapshot older than this is stale and the score is computed live. */
const STALE_AFTER_DAYS = 2;

export const ModelRef = z.object({ id: z.string(), key: z.string(), name: z.string() });
const Side = z.object({ raw: z.number(), normalised: z.number(), contribution: z.number() }).nullable();

export const AccountHealth = z.object({
  accountId: z.string(),
  /** The day the score is for (today when computed live). */
  day: z.string(),
  /** `stored`: the last recompute's snapshot; `live`: none recent, computed now from today's facts. */
  source: z.enum(['stored', 'live']),
  /**
   * When this score was computed: the recompute's last write of the account's current state (full
   * or incremental pass) when the score is that state's day, now when live, else null (unknown).
   */
  computedAt: z.string().nullable(),
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

function names(model: ScoringModel | null, locale: Locale) {
  const dims = new Map<string, string>([[SENTIMENT_KEY, render(locale, msg('health.dim.sentiment'))]]);
  const comps = new Map<string, string>([
    [`${SENTIMENT_KEY}\u0000${SENTIMENT_KEY}`, render(locale, msg('health.comp.sentiment'))],
  ]);
  for (const d of model?.dimensions ?? []) {
    dims.set(d.key, d.name);
    for (const c of d.components) comps.set(`${d.key}\u0000${c.key}`, c.name);
  }
  return {
    dimension: (key: string) => dims.get(key) ?? null,
    component: (dimension: string, key: string) => comps.get(`${dimension}\u0000${key}`) ?? null,
  };
}

export async function getAccountHealth({
  ctx,
  accountId,
}: {
  ctx: Ctx;
  accountId: string;
}): Promise<AccountHealth> {
  await authorize(ctx, 'read');
  await getAccountRef(ctx, accountId);
  const day = today(ctx);
  const accountIds = [accountId];
  let current: StoredScore | undefined = (
    await loadScoresAsOf(ctx, day, { accountIds, toleranceDays: STALE_AFTER_DAYS })
  ).get(accountId);
  let source: AccountHealth['source'] = 'stored';
  let model: ScoringModel | null = null;
  let computedAt: string | null = null;
  if (current) {
    model = await findScoringModel(ctx, current.modelId);
    const state = (await loadCurrentStates(ctx, [accountId])).get(accountId);
    if (state && state.day === current.day) computedAt = state.updatedAt;
  } else {
    computedAt = nowIso(ctx);
    source = 'live';
    // Scored among every account (percentile components rank among the model's peers), on the
    // evaluation batch the recompute would load.
    const models = await loadHealthModels(ctx);
    const batch = await loadEvaluationBatch(
      ctx,
      day,
      models.map((m) => m.selector),
    );
    const scores = scoreAll(models, batch.facts, await loadCatalogueMap(ctx), {
      sentiments: await loadSentiments(ctx, day),
      envFor: batch.env,
    });
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
  const n = names(model, localeOf(ctx));

  let change: AccountHealth['change'] = null;
  let trend30d: number | null = null;
  if (current) {
    const since = addDays(current.day, -7);
    const week = (
      await loadScoresAsOf(ctx, since, { accountIds, toleranceDays: lookbackToleranceDays(7) })
    ).get(accountId);
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
      await loadScoresAsOf(ctx, addDays(current.day, -30), {
        accountIds,
        toleranceDays: lookbackToleranceDays(30),
      })
    ).get(accountId);
    trend30d = trendOf(current.score, month?.score);
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
      name: n.component(SENTIMENT_KEY, SENTIMENT_KEY),
      fact: 'health.sentiment',
    });
  }

  const latest = (await loadSentiments(ctx, day, accountIds)).get(accountId);
  return {
    accountId,
    day: current?.day ?? day,
    source,
    computedAt,
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
