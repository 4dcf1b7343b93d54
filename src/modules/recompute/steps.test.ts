import { describe, expect, it } from 'vitest';
import { batchEnv, type History } from '../facts/batch-env.ts';
import type { Facts } from '../facts/build-facts.ts';
import type { Condition } from '../facts/condition.ts';
import { DEFAULT_BANDS, type ScoringModel } from '../health/index.ts';
import {
  assignStages,
  assignTiers,
  evaluateSegments,
  runSteps,
  type StepConfig,
  scoreHealth,
} from './steps.ts';

const linearModel = (over: Partial<ScoringModel> = {}): ScoringModel => ({
  id: 'usage-id',
  key: 'usage',
  name: 'Usage',
  position: 0,
  selector: null,
  sentiment: null,
  bands: DEFAULT_BANDS,
  dimensions: [
    {
      key: 'u',
      name: 'U',
      weight: 1,
      components: [
        {
          key: 'x',
          name: 'x',
          fact: 'x',
          weight: 1,
          direction: 'higher_better',
          normalisation: { kind: 'linear', min: 0, max: 100 },
        },
      ],
    },
  ],
  ...over,
});

const config = (over: Partial<StepConfig> = {}): StepConfig => ({
  models: [linearModel()],
  scheme: null,
  stages: [],
  segments: [],
  overrides: { tier: new Map(), stage: new Map() },
  ...over,
});

const facts = (rows: Record<string, Facts>) => new Map(Object.entries(rows).map(([id, f]) => [id, { ...f }]));
const batch = (f: Map<string, Facts>, history?: History) => ({
  facts: f,
  history,
  env: batchEnv(f, history),
});

describe('scoreHealth', () => {
  it('scores each account with its model and takes trends against the score 7 and 30 days back', () => {
    const f = facts({ a: { x: 80 }, b: { x: 20 }, c: {} });
    const history: History = (id, key, days) =>
      key !== 'health.score' ? undefined : id === 'a' ? (days === 7 ? 70 : 90) : undefined;
    const { health, snapshot } = scoreHealth(f, batchEnv(f, history), history, config());
    expect(health.get('a')).toEqual({
      healthScore: 80,
      healthStatus: 'excellent',
      healthModelId: 'usage-id',
      healthTrend7d: 10,
      healthTrend30d: -10,
    });
    expect(health.get('b')).toMatchObject({ healthScore: 20, healthTrend7d: null, healthTrend30d: null });
    // Matched but nothing to score: in the result with a null score, the model still chosen.
    expect(health.get('c')).toMatchObject({ healthScore: null, healthModelId: 'usage-id' });
    const rows = snapshot(['a']);
    expect(rows.get('a')!.score).toBe(80);
    expect(rows.get('a')!.components.map((c) => c.contribution)).toEqual([80]);
  });

  it('chooses models with the same percentile ranks as every other evaluation (null tiers ranked nowhere)', () => {
    // The preview and the recompute used to rank `within tier` differently: accounts without a
    // tier formed a group of their own in one and were not ranked in the other.
    const selector: Condition = { percentile: 'arr', within: 'tier', cmp: '<=', value: 50 };
    const f = facts({
      a: { arr: 1, x: 1, tier: 't' },
      b: { arr: 2, x: 1, tier: null },
      c: { arr: 3, x: 1, tier: null },
      d: { arr: 4, x: 1, tier: 't' },
    });
    const { health } = scoreHealth(
      f,
      batchEnv(f),
      undefined,
      config({ models: [linearModel({ selector })] }),
    );
    expect([...health].filter(([, h]) => h.healthModelId).map(([id]) => id)).toEqual(['a']);
  });
});

describe('assignTiers, assignStages, evaluateSegments', () => {
  const f = facts({ a: { arr: 500 }, b: { arr: 5 } });
  const env = batchEnv(f);

  it('lets a manual override win over the rules', () => {
    const scheme = {
      rules: [{ tier: 'big', when: { fact: 'arr', op: '>=', value: 100 } as Condition }],
      defaultTier: 'small',
    };
    const overrides = {
      tier: new Map([['b', { value: 'big' }]]),
      stage: new Map([['a', { value: 'held' }]]),
    };
    expect(assignTiers(f, env, { scheme, overrides })).toEqual(
      new Map([
        ['a', 'big'],
        ['b', 'big'],
      ]),
    );
    const stages = [{ key: 'all', condition: { and: [] } as Condition }];
    expect(assignStages(f, env, { stages, overrides })).toEqual(
      new Map([
        ['a', 'held'],
        ['b', 'all'],
      ]),
    );
  });

  it('gives no tier without a scheme and no stage without stages', () => {
    const none = { tier: new Map(), stage: new Map() };
    expect([...assignTiers(f, env, { scheme: null, overrides: none }).values()]).toEqual([null, null]);
    expect([...assignStages(f, env, { stages: [], overrides: none }).values()]).toEqual([null, null]);
  });

  it('lists the segments each account is in, in segment order', () => {
    const segments = [
      { key: 'small', condition: { fact: 'arr', op: '<', value: 100 } as Condition },
      { key: 'any', condition: { fact: 'arr', op: '>', value: 0 } as Condition },
    ];
    expect(evaluateSegments(f, env, { segments })).toEqual(
      new Map([
        ['a', ['any']],
        ['b', ['small', 'any']],
      ]),
    );
  });
});

describe('runSteps', () => {
  it('feeds each step what the one before decided: tiers read health, stages the new tier and its ranks', () => {
    const f = facts({
      a: { x: 90, arr: 10, tier: 'old' },
      b: { x: 80, arr: 20, tier: 'old' },
      c: { x: 10, arr: 30, tier: 'old' },
      d: { x: 5, arr: 40, tier: 'old' },
    });
    const result = runSteps(
      batch(f),
      config({
        scheme: {
          rules: [{ tier: 'healthy', when: { fact: 'health.score', op: '>=', value: 50 } }],
          defaultTier: 'at_risk',
        },
        // Ranked within the tiers just assigned: a (arr 10) is the lowest of the healthy two.
        stages: [
          { key: 'top_of_tier', condition: { percentile: 'arr', within: 'tier', cmp: '>=', value: 100 } },
          { key: 'rest', condition: { and: [] } },
        ],
        segments: [
          {
            key: 'healthy_top',
            condition: {
              and: [
                { fact: 'tier', op: '=', value: 'healthy' },
                { fact: 'stage', op: '=', value: 'top_of_tier' },
              ],
            },
          },
        ],
      }),
    );
    expect(
      Object.fromEntries(
        [...result.states].map(([id, s]) => [id, [s.healthScore, s.tier, s.stage, s.segments]]),
      ),
    ).toEqual({
      a: [90, 'healthy', 'rest', []],
      b: [80, 'healthy', 'top_of_tier', ['healthy_top']],
      c: [10, 'at_risk', 'rest', []],
      d: [5, 'at_risk', 'top_of_tier', []],
    });
    // The batch's records now hold what was decided, as later readers (rules) expect.
    expect(f.get('b')).toMatchObject({
      'health.score': 80,
      tier: 'healthy',
      stage: 'top_of_tier',
      segments: ['healthy_top'],
    });
    expect(result.states.get('a')).toEqual({
      healthScore: 90,
      healthStatus: 'excellent',
      healthModelId: 'usage-id',
      healthTrend7d: null,
      healthTrend30d: null,
      tier: 'healthy',
      stage: 'rest',
      segments: [],
      churnRisk: null,
    });
  });

  it('lets health selectors read the tier the batch loaded, not the one this run assigns', () => {
    const f = facts({ a: { x: 50, tier: 'vip' }, b: { x: 50, tier: null } });
    const result = runSteps(
      batch(f),
      config({
        models: [linearModel({ selector: { fact: 'tier', op: '=', value: 'vip' } })],
        scheme: { rules: [], defaultTier: 'plain' },
      }),
    );
    expect(result.states.get('a')).toMatchObject({ healthModelId: 'usage-id', tier: 'plain' });
    expect(result.states.get('b')).toMatchObject({ healthModelId: null, healthScore: null, tier: 'plain' });
  });
});
