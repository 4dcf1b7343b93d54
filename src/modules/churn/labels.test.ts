// Every fact a churn model can learn from has a label in both languages: a driver shown on the
// Risk page or in Account 360 never reads as its raw key ("tickets_90d", "nps" did in the demo).
import { describe, expect, it } from 'vitest';
import { FACT_PROVIDERS, ROSTER_PROVIDER } from '../facts/index.ts';
import { factLabel } from './risk.ts';
import { featureKeys } from './train.ts';

describe('churn driver labels', () => {
  it('name every static input fact from the catalog, not by its key', () => {
    const at = FACT_PROVIDERS.findIndex((p) => p.definitions.some((d) => d.key === 'churn_risk'));
    const inputs = [ROSTER_PROVIDER, ...FACT_PROVIDERS.slice(0, at)].flatMap((p) => p.definitions);
    const unnamed = featureKeys(inputs).filter((k) => factLabel(k, new Map()).key === 'churn.fact.other');
    expect(unnamed).toEqual([]);
  });
});
