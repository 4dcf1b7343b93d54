// What the recompute pipeline (facts -> health -> tier -> stage -> rules) calls for health:
// choose each account's model and score it (pure), load sentiments, write the day's snapshot,
// and read earlier snapshots for trends and explanations.
import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import { addDays, dayInZone, daysBetween } from '../../time.ts';
import type { Facts } from '../facts/build-facts.ts';
import { type Catalogue, ConditionError, type Within } from '../facts/condition.ts';
import { checkCondition } from '../facts/condition-check.ts';
import { type ConditionEnv, evaluateCondition } from '../facts/condition-eval.ts';
import type { HealthModelSpec } from './model.ts';
import {
  type HealthScore,
  numericFact,
  percentileFacts,
  populationOf,
  type SentimentInput,
  scoreAccount,
} from './scoring.ts';

/** An account's score and the id of the model that produced it. */
export type AccountScore = HealthScore & { modelId: string };
type Model = HealthModelSpec & { id: string };

export type ScoreAllOptions = {
  /** Each account's latest sentiment (see loadSentiments); expiry is decided by the model. */
  sentiments?: ReadonlyMap<string, SentimentInput>;
  /**
   * History for `changed by` in selectors. Percentile selectors are answered from the batch
   * (among all accounts given, or those with the same `tier`) unless this answers them.
   */
  envFor?: (accountId: string) => ConditionEnv;
};

/**
 * Scores every account with the first model (by position) whose selector matches it. Accounts no
 * model matches are left out of the result; a matched account with nothing to score is in it with
 * a null score. Pass every account of the workspace: percentile components rank an account among
 * the accounts in this batch that the same model scores (its peers), so a batch of one would rank
 * it against itself. With a catalogue, a model whose selector no longer checks against it (a
 * custom field it names was deleted) matches nothing rather than guessing.
 */
export function scoreAll(
  models: readonly Model[],
  factsByAccount: ReadonlyMap<string, Facts>,
  catalogue?: Catalogue,
  sentimentsOrOptions?: ReadonlyMap<string, SentimentInput> | ScoreAllOptions,
): Map<string, AccountScore> {
  const scorer = prepareScoring(models, factsByAccount, catalogue, sentimentsOrOptions);
  const out = new Map<string, AccountScore>();
  for (const id of scorer.accountIds) out.set(id, scorer.score(id));
  return out;
}

/**
 * scoreAll in two steps, for callers that must not hold every account's components at once (the
 * recompute scores and writes a slice at a time): chooses each account's model and builds each
 * model's peer populations up front, then scores one account on demand.
 */
export function prepareScoring(
  models: readonly Model[],
  factsByAccount: ReadonlyMap<string, Facts>,
  catalogue?: Catalogue,
  sentimentsOrOptions?: ReadonlyMap<string, SentimentInput> | ScoreAllOptions,
): { accountIds: string[]; score: (accountId: string) => AccountScore } {
  const options: ScoreAllOptions = isMap(sentimentsOrOptions)
    ? { sentiments: sentimentsOrOptions }
    : (sentimentsOrOptions ?? {});
  const ordered = [...models]
    .sort((a, b) => a.position - b.position || a.key.localeCompare(b.key))
    .filter((m) => {
      if (!catalogue || m.selector === null) return true;
      try {
        checkCondition(m.selector, catalogue);
        return true;
      } catch (error) {
        if (error instanceof ConditionError) return false;
        throw error;
      }
    });
  const batchPercentile = batchPercentiles(factsByAccount);

  const assigned = new Map<Model, string[]>();
  const modelOf = new Map<string, Model>();
  for (const [accountId, facts] of factsByAccount) {
    const env: ConditionEnv = { percentile: (key, within) => batchPercentile(accountId, key, within) };
    const extra = options.envFor?.(accountId);
    if (extra?.previous) env.previous = extra.previous;
    if (extra?.percentile) env.percentile = extra.percentile;
    const model = ordered.find((m) => m.selector === null || evaluateCondition(m.selector, facts, env));
    if (!model) continue;
    const list = assigned.get(model) ?? [];
    list.push(accountId);
    assigned.set(model, list);
    modelOf.set(accountId, model);
  }
  const populations = new Map(
    [...assigned].map(([model, accountIds]) => [
      model,
      populationOf(
        accountIds.map((id) => factsByAccount.get(id)!),
        percentileFacts(model),
      ),
    ]),
  );
  return {
    accountIds: [...assigned.values()].flat(),
    score: (accountId) => {
      const model = modelOf.get(accountId);
      const facts = factsByAccount.get(accountId);
      if (!model || !facts) throw new Error(`Account ${accountId} was not prepared for scoring`);
      const score = scoreAccount(model, facts, populations.get(model)!, options.sentiments?.get(accountId));
      return { ...score, modelId: model.id };
    },
  };
}

const isMap = (x: unknown): x is ReadonlyMap<string, SentimentInput> => x instanceof Map;

/** Percentile selectors answered from the batch itself, built lazily per fact (and tier). */
function batchPercentiles(factsByAccount: ReadonlyMap<string, Facts>) {
  const cache = new Map<string, ReturnType<typeof populationOf>>();
  return (accountId: string, key: string, within: Within): number | null => {
    const facts = factsByAccount.get(accountId);
    const value = facts ? numericFact(facts, key) : null;
    if (!facts || value === null) return null;
    const tier = within === 'tier' ? String(facts.tier ?? '') : '';
    const cacheKey = `${within}\u0000${tier}\u0000${key}`;
    let population = cache.get(cacheKey);
    if (!population) {
      const peers = [...factsByAccount.values()].filter(
        (f) => within === 'all' || String(f.tier ?? '') === tier,
      );
      population = populationOf(peers, [key]);
      cache.set(cacheKey, population);
    }
    return population(key, value);
  };
}

const BATCH = 200;

/** Upserts the day's snapshot: one health_scores row per scored account, replacing a rerun's. */
export async function writeHealthScores(
  ctx: Ctx,
  day: string,
  scores: ReadonlyMap<string, AccountScore>,
): Promise<number> {
  const rows = [...scores].map(([accountId, s]) => ({
    workspace_id: ctx.workspace.id,
    account_id: accountId,
    day,
    model_id: s.modelId,
    score: s.score,
    status: s.status,
    components: JSON.stringify(s.components),
  }));
  for (let i = 0; i < rows.length; i += BATCH) {
    await ctx.db
      .insertInto('health_scores')
      .values(rows.slice(i, i + BATCH))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'account_id', 'day']).doUpdateSet({
          model_id: sql`excluded.model_id`,
          score: sql`excluded.score`,
          status: sql`excluded.status`,
          components: sql`excluded.components`,
        }),
      )
      .execute();
  }
  return rows.length;
}

export type Sentiment = {
  id: string;
  accountId: string;
  userId: string | null;
  score: number;
  reason: string;
  createdAt: string;
  /** When the sentiment stops counting (set from the account's model when it was recorded). */
  expiresAt: string;
};
export type LoadedSentiment = Sentiment & SentimentInput;

/**
 * Each account's latest sentiment recorded on or before `day` (workspace time zone), with its age
 * in days. Only the latest counts, even once it expires: an older, happier one must not return.
 */
export async function loadSentiments(
  ctx: Ctx,
  day: string,
  accountIds?: readonly string[],
): Promise<Map<string, LoadedSentiment>> {
  // Any instant on `day` somewhere is before the end of the next UTC day; the zone check is exact.
  let q = ctx.db
    .selectFrom('health_sentiments')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('created_at', '<', `${addDays(day, 2)}T00:00:00.000Z`);
  if (accountIds) q = q.where('account_id', 'in', accountIds.length ? accountIds : ['']);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  const out = new Map<string, LoadedSentiment>();
  for (const r of rows) {
    if (out.has(r.account_id)) continue;
    const recorded = dayInZone(new Date(r.created_at), ctx.workspace.timeZone);
    if (recorded > day) continue;
    out.set(r.account_id, {
      id: r.id,
      accountId: r.account_id,
      userId: r.user_id,
      score: r.score,
      reason: r.reason,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      ageDays: daysBetween(recorded, day),
    });
  }
  return out;
}

export type StoredScore = {
  accountId: string;
  day: string;
  modelId: string;
  score: number | null;
  status: string | null;
  components: HealthScore['components'];
};

/**
 * Each account's latest stored snapshot on or before `day` and no more than `toleranceDays`
 * earlier (a missed recompute leaves gaps), optionally only those of one model.
 */
export async function loadScoresAsOf(
  ctx: Ctx,
  day: string,
  options: { accountIds?: readonly string[]; toleranceDays?: number; modelId?: string } = {},
): Promise<Map<string, StoredScore>> {
  const rows = await scoresAsOfQuery(ctx, day, options).selectAll().execute();
  const out = new Map<string, StoredScore>();
  for (const r of rows) {
    if (!out.has(r.account_id)) out.set(r.account_id, storedScore(r));
  }
  return out;
}

/** Each account's latest score and status (no components) as loadScoresAsOf finds them. */
export async function loadScoreValuesAsOf(
  ctx: Ctx,
  day: string,
  toleranceDays: number,
): Promise<Map<string, { score: number | null; status: string | null }>> {
  const rows = await scoresAsOfQuery(ctx, day, { toleranceDays })
    .select(['account_id', 'score', 'status'])
    .execute();
  const out = new Map<string, { score: number | null; status: string | null }>();
  for (const r of rows) {
    if (!out.has(r.account_id))
      out.set(r.account_id, { score: r.score === null ? null : Number(r.score), status: r.status });
  }
  return out;
}

function scoresAsOfQuery(
  ctx: Ctx,
  day: string,
  options: { accountIds?: readonly string[]; toleranceDays?: number; modelId?: string },
) {
  let q = ctx.db
    .selectFrom('health_scores')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('day', '<=', day)
    .where('day', '>=', addDays(day, -(options.toleranceDays ?? 0)));
  if (options.accountIds)
    q = q.where('account_id', 'in', options.accountIds.length ? options.accountIds : ['']);
  if (options.modelId) q = q.where('model_id', '=', options.modelId);
  return q.orderBy('day', 'desc');
}

const storedScore = (r: {
  account_id: string;
  day: string;
  model_id: string;
  score: number | null;
  status: string | null;
  components: string;
}): StoredScore => ({
  accountId: r.account_id,
  day: r.day,
  modelId: r.model_id,
  score: r.score === null ? null : Number(r.score),
  status: r.status,
  components: JSON.parse(r.components) as HealthScore['components'],
});

/** How far each score moved over 7 and 30 days (null without a snapshot then), for account_states. */
export async function computeHealthTrends(
  ctx: Ctx,
  day: string,
  scores: ReadonlyMap<string, Pick<HealthScore, 'score'>>,
): Promise<Map<string, { trend7d: number | null; trend30d: number | null }>> {
  const ids = [...scores.keys()];
  // Scores only: parsing every account's components twice would cost more than the trend itself.
  const week = await loadScoreValuesAsOf(ctx, addDays(day, -7), 3);
  const month = await loadScoreValuesAsOf(ctx, addDays(day, -30), 3);
  const diff = (now: number | null, then: number | null | undefined) =>
    now === null || then === null || then === undefined ? null : Math.round((now - then) * 100) / 100;
  return new Map(
    ids.map((id) => {
      const now = scores.get(id)!.score;
      return [id, { trend7d: diff(now, week.get(id)?.score), trend30d: diff(now, month.get(id)?.score) }];
    }),
  );
}
