// The API's view of the model: the card with its texts rendered in the reader's language, and the
// accounts ranked by ARR at risk.
import type { Ctx } from '../../context.ts';
import { msg, render } from '../../i18n/index.ts';
import { today } from '../../time.ts';
import { loadEvaluationBatch } from '../facts/index.ts';
import { type ChurnModelCard, type HorizonCard, loadCurrentModel } from './model-store.ts';
import { factLabel, metricNames, riskOf } from './risk.ts';

const renderHorizon = (locale: 'en' | 'zh-CN', h: HorizonCard, label: (k: string) => string) => ({
  ...h,
  model: h.model ?? 'logistic',
  candidates: h.candidates ?? [],
  reason: h.reason ? render(locale, h.reason) : null,
  drivers: h.drivers.map((d) => ({ ...d, label: label(d.fact) })),
});

export async function renderCard(ctx: Ctx, card: ChurnModelCard) {
  const locale = ctx.locale ?? 'en';
  const names = await metricNames(ctx);
  const label = (k: string) => render(locale, factLabel(k, names));
  return {
    trained: true,
    ...card,
    reason: card.reason ? render(locale, card.reason) : null,
    syntheticNote: card.synthetic ? render(locale, msg('churn.note.synthetic')) : null,
    drivers: card.drivers.map((d) => ({ ...d, label: label(d.fact) })),
    horizons: card.horizons.map((h) => renderHorizon(locale, h, label)),
  };
}

/** GET /churn/model: the current version's card; before the first training, an empty one saying so. */
export async function getModelCard({ ctx }: { ctx: Ctx }) {
  const model = await loadCurrentModel(ctx);
  if (model) return renderCard(ctx, model.card);
  return {
    trained: false,
    id: null,
    trainedAt: null,
    asOf: null,
    published: false,
    reason: render(ctx.locale ?? 'en', msg('churn.reason.notTrained')),
    synthetic: false,
    syntheticNote: null,
    historyFrom: null,
    horizonDays: null,
    outcomes: { samples: 0, accounts: 0, churned: 0 },
    metrics: null,
    baselines: null,
    drivers: [],
    model: null,
    candidates: [],
    horizons: [],
  };
}

/** GET /churn/accounts: accounts with ARR ranked by ARR at risk (probability × ARR), with drivers. */
export async function rankRisks({ ctx, input }: { ctx: Ctx; input: { limit: number } }) {
  const model = await loadCurrentModel(ctx);
  if (!model?.card.published) return { items: [], scored: 0, totalArrAtRisk: 0 };
  const locale = ctx.locale ?? 'en';
  const names = await metricNames(ctx);
  const label = (k: string) => render(locale, factLabel(k, names));
  const batch = await loadEvaluationBatch(ctx, today(ctx), []);
  const rows = [];
  let total = 0;
  for (const [accountId, facts] of batch.facts) {
    const arr = typeof facts.arr === 'number' ? facts.arr : 0;
    if (arr <= 0) continue;
    const risk = riskOf(model, facts, label, 3);
    if (!risk) continue;
    const arrAtRisk = Math.round(arr * risk.probability);
    total += arrAtRisk;
    rows.push({ accountId, name: String(facts.name ?? ''), arr, arrAtRisk, ...risk });
  }
  rows.sort((a, b) => b.arrAtRisk - a.arrAtRisk || a.accountId.localeCompare(b.accountId));
  return { items: rows.slice(0, input.limit), scored: rows.length, totalArrAtRisk: total };
}
