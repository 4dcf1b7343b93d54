// Scoring accounts with the current model: the horizon that fits the account's renewal date, the
// calibrated probability and its exact drivers, labelled in the reader's language.
import type { Ctx } from '../../context.ts';
import { isMessageKey, type Message, msg, render } from '../../i18n/index.ts';
import { today } from '../../time.ts';
import { getAccountRef } from '../accounts/index.ts';
import { type Facts, loadEvaluationBatch } from '../facts/index.ts';
import { loadMetrics } from '../metrics/index.ts';
import type { Horizon } from './horizons.ts';
import { explainRow } from './model.ts';
import { type CurrentModel, loadCurrentModel } from './model-store.ts';
import { scoreFacts } from './score.ts';

export type RiskDriver = { fact: string; label: string; value: unknown; contribution: number };
export type AccountRisk = {
  probability: number | null;
  horizonDays: Horizon | null;
  drivers: RiskDriver[];
  reason: string | null;
};

/** How many drivers an account's risk lists. */
export const TOP_DRIVERS = 5;

/**
 * A fact's label as a message: its catalog entry (`churn.fact.<key>`), a metric's own name with
 * its window (`churn.fact.metric.<window>`), or the key.
 */
export function factLabel(key: string, metricNames: ReadonlyMap<string, string>): Message {
  const plain = `churn.fact.${key}`;
  if (isMessageKey(plain)) return msg(plain);
  if (key.startsWith('cf.')) return msg('churn.fact.customField', { name: key.slice(3) });
  const m = /^metrics\.(.+)\.([a-z0-9_]+)$/.exec(key);
  if (m) {
    const windowed = `churn.fact.metric.${m[2]}`;
    if (isMessageKey(windowed)) return msg(windowed, { metric: metricNames.get(m[1]!) ?? m[1]! });
  }
  return msg('churn.fact.other', { key });
}

export async function metricNames(ctx: Ctx): Promise<Map<string, string>> {
  return new Map((await loadMetrics(ctx)).map((m) => [m.key, m.name]));
}

/** One account's risk with its drivers, from facts already loaded. */
export function riskOf(
  model: CurrentModel,
  facts: Facts,
  label: (key: string) => string,
  top = TOP_DRIVERS,
): { probability: number; horizonDays: Horizon; drivers: RiskDriver[] } | null {
  const score = scoreFacts(model, facts);
  if (!score) return null;
  const drivers = explainRow(score.model, facts)
    .drivers.slice(0, top)
    .map((d) => ({
      fact: d.fact,
      label: label(d.fact),
      value: d.value ?? null,
      contribution: d.contribution,
    }));
  return { probability: score.probability, horizonDays: score.horizonDays, drivers };
}

/** GET /accounts/{id}/risk. */
export async function getAccountRisk({
  ctx,
  accountId,
}: {
  ctx: Ctx;
  accountId: string;
}): Promise<AccountRisk> {
  await getAccountRef(ctx, accountId);
  const locale = ctx.locale ?? 'en';
  const model = await loadCurrentModel(ctx);
  if (!model?.card.published) {
    const reason = model?.card.reason ?? msg('churn.reason.notTrained');
    return { probability: null, horizonDays: null, drivers: [], reason: render(locale, reason) };
  }
  const batch = await loadEvaluationBatch(ctx, today(ctx), [], {
    accountIds: [accountId],
  });
  const facts = batch.facts.get(accountId);
  const names = await metricNames(ctx);
  const r = facts ? riskOf(model, facts, (k) => render(locale, factLabel(k, names))) : null;
  if (!r)
    return {
      probability: null,
      horizonDays: null,
      drivers: [],
      reason: render(locale, msg('churn.reason.noPublishedHorizon')),
    };
  return { ...r, reason: null };
}
