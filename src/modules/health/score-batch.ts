// Scoring a batch of accounts, pure: each account's model (the first whose selector matches) and
// its score among the peers that model scores. The recompute's scoreHealth step and the model
// preview call it; no database.

import { batchEnv } from '../facts/batch-env.ts';
import { type Catalogue, ConditionError } from '../facts/condition.ts';
import { checkCondition } from '../facts/condition-check.ts';
import { type ConditionEnv, evaluateCondition } from '../facts/condition-eval.ts';
import type { Facts } from '../facts/provider.ts';
import type { HealthModelSpec } from './health-model.schemas.ts';
import {
  factsWithoutData,
  type HealthScore,
  percentileFacts,
  populationOf,
  type SentimentInput,
  scoreAccount,
} from './score-maths.ts';

/** An account's score and the id of the model that produced it. */
export type AccountScore = HealthScore & { modelId: string };
type Model = HealthModelSpec & { id: string };

export type ScoreAllOptions = {
  /** Each account's latest sentiment (see loadSentiments); expiry is decided by the model. */
  sentiments?: ReadonlyMap<string, SentimentInput>;
  /**
   * What selectors read beyond the record: percentiles and history for `changed by`, from the
   * evaluation batch (loadEvaluationBatch). Default: percentiles ranked among the accounts given
   * (batchEnv, the same ranks the batch gives), no history.
   */
  envFor?: (accountId: string) => ConditionEnv;
  /**
   * Each account's status before this scoring, for the models' hysteresis. Default: the record's
   * `health.status` (the evaluation batch's state at the end of the day before the recompute writes
   * it), read once when the scoring is prepared.
   */
  previousStatus?: ReadonlyMap<string, string | null>;
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
  const envFor = options.envFor ?? batchEnv(factsByAccount);

  const assigned = new Map<Model, string[]>();
  const modelOf = new Map<string, Model>();
  for (const [accountId, facts] of factsByAccount) {
    const env = envFor(accountId);
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
  const noData = new Map(
    [...assigned].map(([model, accountIds]) => [
      model,
      factsWithoutData(
        model,
        accountIds.map((id) => factsByAccount.get(id)!),
      ),
    ]),
  );
  // Read before any step writes the new status into the records (runSteps does).
  const previous = new Map<string, string | null>();
  for (const id of modelOf.keys()) {
    const p = options.previousStatus
      ? options.previousStatus.get(id)
      : factsByAccount.get(id)?.['health.status'];
    previous.set(id, typeof p === 'string' ? p : null);
  }
  return {
    accountIds: [...assigned.values()].flat(),
    score: (accountId) => {
      const model = modelOf.get(accountId);
      const facts = factsByAccount.get(accountId);
      if (!model || !facts) throw new Error(`Account ${accountId} was not prepared for scoring`);
      const score = scoreAccount(model, facts, populations.get(model)!, options.sentiments?.get(accountId), {
        noData: noData.get(model),
        previousStatus: previous.get(accountId),
      });
      return { ...score, modelId: model.id };
    },
  };
}

const isMap = (x: unknown): x is ReadonlyMap<string, SentimentInput> => x instanceof Map;
