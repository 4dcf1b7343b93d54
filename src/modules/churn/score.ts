// The one function that turns an account's facts into its churn probability: the churn_risk fact
// (inside buildFacts, so the recompute and rules read it), GET /accounts/{id}/risk, the ranking and
// the renewals' probability all call it. A model reads only the facts known when the churn provider
// runs inside buildFacts (train.ts: churnInputKeys), so every path sees the same inputs whatever
// was added to its record later (family roll-ups, state, RFM): the probabilities agree exactly.
// A leaf: it imports nothing that reads facts.
import type { Facts } from '../facts/provider.ts';
import { HORIZONS, type Horizon } from './horizons.ts';
import { predict, type TrainedModel } from './model.ts';
import { type CurrentModel, pickHorizon } from './model-store.ts';

export type Score = { probability: number; horizonDays: Horizon; model: TrainedModel };

/** The account's probability of churning by the published horizon that fits its renewal, or null. */
export function scoreFacts(model: CurrentModel | null, facts: Facts): Score | null {
  if (!model) return null;
  const published = HORIZONS.filter((h) => model.models.has(h));
  const days = typeof facts.days_to_renewal === 'number' ? facts.days_to_renewal : null;
  const h = pickHorizon(days, published);
  const m = h === null ? undefined : model.models.get(h);
  if (h === null || !m) return null;
  return { probability: predict(m, [facts])[0], horizonDays: h, model: m };
}
