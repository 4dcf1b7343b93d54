// Issue 13 item 6: hysteresis, components with no data in the workspace, and fitting weights to
// outcomes, on hand-made values.
import { describe, expect, it } from 'vitest';
import {
  backtestScores,
  componentId,
  componentShares,
  crossValidateShares,
  dimensionsWithShares,
  fitShares,
  scoreWith,
  type WeightSample,
} from './fit-weights-maths.ts';
import {
  DEFAULT_BANDS,
  type Dimension,
  type HealthModelSpec,
  UpdateHealthModel,
} from './health-model.schemas.ts';
import { scoreAll } from './score-batch.ts';
import { factsWithoutData, scoreAccount, statusWithHysteresis } from './score-maths.ts';

const comp = (key: string, fact: string, weight = 1) => ({
  key,
  name: key,
  fact,
  weight,
  direction: 'higher_better' as const,
  normalisation: { kind: 'linear' as const, min: 0, max: 100 },
});
const model = (dimensions: Dimension[], hysteresis?: number): HealthModelSpec => ({
  key: 'm',
  name: 'm',
  position: 0,
  selector: null,
  dimensions,
  sentiment: null,
  bands: DEFAULT_BANDS,
  hysteresis,
});

describe('statusWithHysteresis', () => {
  const s = (score: number, previous: string | null, margin = 3) =>
    statusWithHysteresis(DEFAULT_BANDS, score, previous, margin)?.key;

  it('keeps the previous band while the score stays within the margin of its boundaries', () => {
    expect(s(68, 'excellent')).toBe('excellent'); // 2 below 70
    expect(s(67, 'excellent')).toBe('excellent'); // exactly the margin
    expect(s(66.9, 'excellent')).toBe('fair'); // a real drop
    expect(s(72.9, 'fair')).toBe('fair'); // fair reaches up to 70 + 3
    expect(s(73, 'fair')).toBe('excellent');
    expect(s(38, 'fair')).toBe('fair');
    expect(s(36.5, 'fair')).toBe('danger');
    expect(s(42, 'danger')).toBe('danger');
    expect(s(43, 'danger')).toBe('fair');
  });

  it('moves across several bands at once on a large move, and takes the plain band without a previous one', () => {
    expect(s(10, 'excellent')).toBe('danger');
    expect(s(95, 'danger')).toBe('excellent');
    expect(s(68, null)).toBe('fair');
    expect(s(68, 'unknown-band')).toBe('fair');
    expect(s(68, 'excellent', 0)).toBe('fair');
  });

  it('is a fixed point: applied against its own result it gives the same status', () => {
    for (let score = 0; score <= 100; score += 0.5) {
      for (const previous of [null, 'excellent', 'fair', 'danger']) {
        const once = s(score, previous);
        expect(s(score, once ?? null)).toBe(once);
      }
    }
  });

  it('is used by scoreAccount with the model’s margin and by the batch against each account’s status', () => {
    const m = model([{ key: 'u', name: 'u', weight: 1, components: [comp('a', 'a')] }], 3);
    expect(scoreAccount(m, { a: 68 }, undefined, null, { previousStatus: 'excellent' }).status).toBe(
      'excellent',
    );
    expect(scoreAccount(m, { a: 68 }).status).toBe('fair');
    const facts = new Map([
      ['x', { a: 68, 'health.status': 'excellent' }],
      ['y', { a: 68, 'health.status': null }],
      ['z', { a: 80, 'health.status': 'fair' }],
    ]);
    const scores = scoreAll([{ ...m, id: 'm' }], facts);
    expect([...scores].map(([id, sc]) => [id, sc.status])).toEqual([
      ['x', 'excellent'],
      ['y', 'fair'],
      ['z', 'excellent'],
    ]);
  });
});

describe('components with no data in the workspace', () => {
  const m = model([
    { key: 'u', name: 'u', weight: 1, components: [comp('a', 'a'), comp('tickets', 'tickets', 3)] },
    { key: 'e', name: 'e', weight: 1, components: [comp('nps', 'nps')] },
  ]);

  it('finds the facts no account has a value other than 0 for', () => {
    expect(
      [
        ...factsWithoutData(m, [
          { a: 10, tickets: 0, nps: null },
          { a: 0, tickets: 0 },
        ]),
      ].sort(),
    ).toEqual(['nps', 'tickets']);
    expect([...factsWithoutData(m, [{ a: 0, tickets: 1, nps: -5 }])].sort()).toEqual([]);
    expect([
      ...factsWithoutData(m, [
        { a: 0, tickets: 1, nps: -5 },
        { a: 0, tickets: 0, nps: null },
      ]),
    ]).toEqual(['a']);
  });

  it('leaves them out of every score, their weight going to what is known, instead of scoring 0', () => {
    const facts = new Map([
      ['x', { a: 80, tickets: 0 }],
      ['y', { a: 40, tickets: 0 }],
    ]);
    const scores = scoreAll([{ ...m, id: 'm' }], facts);
    // Without the rule x would be (80·1 + 0·3)/4 = 20 within usage.
    expect(scores.get('x')).toMatchObject({ score: 80 });
    expect(scores.get('y')).toMatchObject({ score: 40 });
    expect(scores.get('x')!.missing).toEqual([
      { dimension: 'u', key: 'tickets', fact: 'tickets', reason: 'no_data' },
      { dimension: 'e', key: 'nps', fact: 'nps', reason: 'no_data' },
    ]);
    expect(scores.get('x')!.components.map((c) => [c.key, c.weight])).toEqual([['a', 1]]);
  });

  it('keeps a component as soon as one account has data for it', () => {
    const facts = new Map([
      ['x', { a: 80, tickets: 0 }],
      ['y', { a: 40, tickets: 100 }],
    ]);
    const x = scoreAll([{ ...m, id: 'm' }], facts).get('x')!;
    expect(x.score).toBe(20);
  });
});

describe('fitting weights to outcomes', () => {
  const dims: Dimension[] = [
    {
      key: 'usage',
      name: 'Usage',
      weight: 60,
      components: [comp('breadth', 'breadth'), comp('depth', 'depth')],
    },
    { key: 'engagement', name: 'Engagement', weight: 40, components: [comp('touch', 'touch')] },
  ];
  const current = componentShares(dims);
  // Deterministic: breadth tells renewals from churn (with overlap), depth is noise, touch is
  // slightly misleading (higher for churned).
  const samples: WeightSample[] = Array.from({ length: 120 }, (_, i) => {
    const renewed = i % 3 !== 0;
    const jitter = ((i * 37) % 41) - 20;
    return {
      accountId: `a${i}`,
      renewed,
      time: 20_000 + i,
      values: new Map([
        [componentId('usage', 'breadth'), Math.max(0, Math.min(100, (renewed ? 65 : 40) + jitter))],
        [componentId('usage', 'depth'), (i * 53) % 100],
        [
          componentId('engagement', 'touch'),
          Math.max(0, Math.min(100, (renewed ? 45 : 55) + ((i * 29) % 31) - 15)),
        ],
      ]),
    };
  });

  it('gives each component its effective share, and recombines a score over the components present', () => {
    expect([...current]).toEqual([
      ['usage/breadth', 0.3],
      ['usage/depth', 0.3],
      ['engagement/touch', 0.4],
    ]);
    expect(scoreWith(current, new Map([['usage/breadth', 50]]))).toBe(50);
    expect(
      scoreWith(
        current,
        new Map([
          ['usage/breadth', 100],
          ['engagement/touch', 0],
        ]),
      ),
    ).toBeCloseTo(100 * (0.3 / 0.7), 10);
    expect(scoreWith(current, new Map())).toBeNull();
  });

  it('moves the weight to the component that tells renewals from churn, and backtests better', () => {
    const fit = fitShares(samples, current)!;
    expect(fit).not.toBeNull();
    const share = (id: string) => fit.shares.get(id)!;
    expect(share('usage/breadth')).toBeGreaterThan(0.8);
    expect(share('engagement/touch')).toBeCloseTo(0.005 / (1 + 0.01), 2); // the floor
    expect([...fit.shares.values()].reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
    expect(fit.coefficients.get('usage/breadth')!).toBeLessThan(0); // protects against churn
    const before = backtestScores(
      samples,
      samples.map((s) => scoreWith(current, s.values)),
      DEFAULT_BANDS,
    );
    const after = backtestScores(
      samples,
      samples.map((s) => scoreWith(fit.shares, s.values)),
      DEFAULT_BANDS,
    );
    expect(after.auc!).toBeGreaterThan(before.auc! + 0.1);
    const cv = crossValidateShares(samples, current);
    expect(cv.n).toBeGreaterThan(60);
    expect(cv.after!).toBeGreaterThan(cv.before!);
  });

  it('turns shares into valid dimensions whose effective weights are those shares', () => {
    const fit = fitShares(samples, current)!;
    const proposed = dimensionsWithShares(dims, fit.shares);
    expect(UpdateHealthModel.safeParse({ dimensions: proposed }).success).toBe(true);
    const again = componentShares(proposed);
    for (const [id, v] of fit.shares) expect(again.get(id)!).toBeCloseTo(v, 2);
    expect(proposed.reduce((s, d) => s + d.weight, 0)).toBeCloseTo(100, 1);
  });

  it('keeps the share of a component no outcome has a value for, and proposes nothing without signal', () => {
    const partial = samples.map((s) => ({
      ...s,
      values: new Map([...s.values].filter(([id]) => id !== 'engagement/touch')),
    }));
    expect(fitShares(partial, current)!.shares.get('engagement/touch')).toBeCloseTo(0.4, 2);
    const noise = samples.map((s, i) => ({ ...s, values: new Map([['usage/breadth', i % 2 ? 100 : 0]]) }));
    // Breadth alternates with the index and has no relation to the outcome pattern (every third).
    const fit = fitShares(noise, current);
    if (fit) expect(Math.abs(fit.coefficients.get('usage/breadth')!)).toBeLessThan(0.01);
    const bad = samples.map((s) => ({ ...s, values: new Map([['usage/breadth', s.renewed ? 0 : 100]]) }));
    expect(fitShares(bad, current)).toBeNull();
  });
});
