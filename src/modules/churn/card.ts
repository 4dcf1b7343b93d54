// The API's view of the model: the card with its texts rendered in the reader's language, and the
// accounts ranked by ARR at risk.
import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { LOCALES, msg, render } from '../../i18n/index.ts';
import { nowIso, today } from '../../time.ts';
import { loadEvaluationBatch } from '../facts/index.ts';
import { forEveryReader, keepSnapshot, readSnapshot } from '../snapshots/index.ts';
import type { RankedRisks } from './churn.schemas.ts';
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

/** The snapshot name of the ranking. */
export const CHURN_RANKING = 'churn_ranking';
/** The ranking's length the Risk page asks for, kept after each full recompute. */
const KEPT_LIMIT = 50;

type Ranking = Omit<z.infer<typeof RankedRisks>, 'computedAt'>;
/** A ranking whose drivers carry fact keys as labels, with each language's label of those facts. */
type KeptRanking = Ranking & { labels: Record<string, Record<string, string>> };

/**
 * GET /churn/accounts: accounts with ARR ranked by ARR at risk (probability × ARR), with drivers;
 * as kept after the last full recompute (snapshots), else computed now (every account's facts:
 * seconds at 20,000 accounts). `computedAt` says when.
 */
export async function rankRisks({ ctx, input }: { ctx: Ctx; input: { limit: number } }) {
  const locale = ctx.locale ?? 'en';
  // The ranking is the workspace's whatever the reader's book: one kept answer for every reader.
  const kept = await readSnapshot<KeptRanking>(forEveryReader(ctx), CHURN_RANKING, { limit: input.limit });
  const { labels, ...ranking } = kept?.body ?? (await computeRanking(ctx, input.limit));
  const label = labels[locale] ?? {};
  return {
    ...ranking,
    items: ranking.items.map((r) => ({
      ...r,
      drivers: r.drivers.map((d) => ({ ...d, label: label[d.fact] ?? d.fact })),
    })),
    computedAt: kept?.computedAt ?? nowIso(ctx),
  };
}

/** After a full recompute of today: the Risk page's ranking. */
export async function keepRiskRanking(ctx: Ctx): Promise<void> {
  await keepSnapshot(forEveryReader(ctx), CHURN_RANKING, { limit: KEPT_LIMIT }, () =>
    computeRanking(ctx, KEPT_LIMIT),
  );
}

async function computeRanking(ctx: Ctx, limit: number): Promise<KeptRanking> {
  const model = await loadCurrentModel(ctx);
  if (!model?.card.published) return { items: [], scored: 0, totalArrAtRisk: 0, labels: {} };
  const batch = await loadEvaluationBatch(ctx, today(ctx), []);
  const rows = [];
  let total = 0;
  for (const [accountId, facts] of batch.facts) {
    const arr = typeof facts.arr === 'number' ? facts.arr : 0;
    if (arr <= 0 || typeof facts.churn_risk !== 'number') continue;
    const arrAtRisk = Math.round(arr * facts.churn_risk);
    total += arrAtRisk;
    rows.push({ accountId, facts, arr, arrAtRisk });
  }
  rows.sort((a, b) => b.arrAtRisk - a.arrAtRisk || a.accountId.localeCompare(b.accountId));
  // Drivers for the rows shown only: explaining a row costs ~1.5 ms (TreeSHAP), every row ~30 s at 20,000.
  const items = rows.slice(0, limit).flatMap(({ facts, ...row }) => {
    const risk = riskOf(model, facts, (k) => k, 3);
    return risk ? [{ ...row, name: String(facts.name ?? ''), ...risk }] : [];
  });
  // Each language's label of the facts the shown drivers name (a reader's language picks one).
  const names = await metricNames(ctx);
  const facts = new Set(items.flatMap((r) => r.drivers.map((d) => d.fact)));
  const labels = Object.fromEntries(
    LOCALES.map((l) => [l, Object.fromEntries([...facts].map((k) => [k, render(l, factLabel(k, names))]))]),
  );
  return { items, scored: rows.length, totalArrAtRisk: total, labels };
}
