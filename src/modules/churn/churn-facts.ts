// The churn fact provider: `churn_risk` (the calibrated probability of churning by the model's
// horizon for the account's renewal) and `churn_risk_drivers` (the facts that raise it most), so
// the recompute refreshes them with every build and rules can trigger on them. A leaf for the
// facts catalogue: it imports nothing that reads facts (no import cycle through buildFacts).
import type { FactDef } from '../facts/condition.ts';
import type { FactProvider, Facts } from '../facts/provider.ts';
import { explainRow } from './model.ts';
import { type CurrentModel, loadCurrentModel } from './model-store.ts';
import { scoreFacts } from './score.ts';

const DEFINITIONS: readonly FactDef[] = [
  {
    key: 'churn_risk',
    type: 'number',
    description:
      'Churn probability (0-1) by the published churn model for the horizon that reaches the renewal date; empty without a published model',
  },
  {
    key: 'churn_risk_drivers',
    type: 'string[]',
    description: 'The facts that raise the churn risk most (up to 3), e.g. breadth, days_since_last_touch',
  },
];

/** Assigns both facts from the model; every record gets them (null / [] without a model). */
export function assignChurnFacts(model: CurrentModel | null, records: readonly Facts[]) {
  for (const f of records) {
    f.churn_risk = null;
    f.churn_risk_drivers = [];
    const score = scoreFacts(model, f);
    if (!score) continue;
    f.churn_risk = score.probability;
    f.churn_risk_drivers = explainRow(score.model, f)
      .drivers.filter((d) => d.contribution > 0)
      .slice(0, 3)
      .map((d) => d.fact);
  }
}

export const churnFacts: FactProvider = {
  // The model reads every fact before it.
  readsEarlierFacts: true,
  definitions: DEFINITIONS,
  open: async (ctx) => {
    const model = await loadCurrentModel(ctx);
    return { definitions: [], load: async (batch) => assignChurnFacts(model, batch.records) };
  },
};
