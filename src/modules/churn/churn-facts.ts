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

/**
 * Assigns both facts from the model; every record gets them (null / [] without a model).
 * `churn_risk_drivers` is worked out when first read: explaining a row (TreeSHAP over the forest)
 * costs ~1.5 ms, nine seconds of a 6,000-account batch that every recompute and rules pass loads,
 * while few readers (a condition or template that names it, one account's facts) ask for it. The
 * model's inputs are copied now, so a later reading explains the same values the probability came from.
 */
export function assignChurnFacts(model: CurrentModel | null, records: readonly Facts[]) {
  for (const f of records) {
    f.churn_risk = null;
    f.churn_risk_drivers = [];
    const score = scoreFacts(model, f);
    if (!score) continue;
    f.churn_risk = score.probability;
    const inputs: Facts = {};
    for (const feature of score.model.encoder.features) inputs[feature.name] = f[feature.name];
    let drivers: string[] | undefined;
    Object.defineProperty(f, 'churn_risk_drivers', {
      enumerable: true,
      configurable: true,
      get: () =>
        (drivers ??= explainRow(score.model, inputs)
          .drivers.filter((d) => d.contribution > 0)
          .slice(0, 3)
          .map((d) => d.fact)),
      set: (value: string[]) => {
        drivers = value;
      },
    });
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
