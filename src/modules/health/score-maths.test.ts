import { describe, expect, it } from 'vitest';
import type { Facts } from '../facts/build-facts.ts';
import { BASE_FACTS, METRIC_FACTS } from '../facts/catalogue.ts';
import type { FactDef } from '../facts/condition.ts';
import { DEFAULT_MODEL_ID, defaultHealthModel } from './default-model.ts';
import {
  type Component,
  CreateHealthModel,
  checkComponentFacts,
  DEFAULT_BANDS,
  type HealthModelSpec,
  type Normalisation,
  type StatusBand,
  UpdateHealthModel,
} from './health-model.schemas.ts';
import { scoreAll } from './score-batch.ts';
import { explain, normalise, populationOf, scoreAccount, sentimentToScore, statusOf } from './score-maths.ts';

const comp = (key: string, fact: string, n: Normalisation, extra: Partial<Component> = {}): Component => ({
  key,
  name: key,
  fact,
  weight: 1,
  direction: 'higher_better',
  normalisation: n,
  ...extra,
});
const linear = (min: number, max: number): Normalisation => ({ kind: 'linear', min, max });
const model = (over: Partial<HealthModelSpec> = {}): HealthModelSpec => ({
  key: 'm',
  name: 'M',
  position: 0,
  selector: null,
  dimensions: [],
  sentiment: null,
  bands: DEFAULT_BANDS,
  ...over,
});
const sum = (xs: { contribution: number }[]) => xs.reduce((s, x) => s + x.contribution, 0);

describe('normalisation', () => {
  const bands: Normalisation = {
    kind: 'bands',
    bands: [
      { upTo: 7, score: 100 },
      { upTo: 30, score: 60 },
      { upTo: null, score: 0 },
    ],
  };

  it('puts a value exactly on a band edge in the lower band, and just above it in the next', () => {
    expect(normalise(bands, 'higher_better', 'x', 7)).toBe(100);
    expect(normalise(bands, 'higher_better', 'x', 7.0001)).toBe(60);
    expect(normalise(bands, 'higher_better', 'x', 30)).toBe(60);
    expect(normalise(bands, 'higher_better', 'x', 31)).toBe(0);
    expect(normalise(bands, 'higher_better', 'x', -5)).toBe(100);
  });

  it('takes band scores as written whatever the direction, and the last band above a closed top', () => {
    expect(normalise(bands, 'lower_better', 'x', 3)).toBe(100);
    const closed: Normalisation = {
      kind: 'bands',
      bands: [
        { upTo: 10, score: 20 },
        { upTo: 20, score: 80 },
      ],
    };
    expect(normalise(closed, 'higher_better', 'x', 500)).toBe(80);
  });

  it('maps linearly between min and max, clamps outside, and inverts for lower_better', () => {
    expect(normalise(linear(0, 10), 'higher_better', 'x', 0)).toBe(0);
    expect(normalise(linear(0, 10), 'higher_better', 'x', 5)).toBe(50);
    expect(normalise(linear(0, 10), 'higher_better', 'x', 10)).toBe(100);
    expect(normalise(linear(0, 10), 'higher_better', 'x', -3)).toBe(0);
    expect(normalise(linear(0, 10), 'higher_better', 'x', 30)).toBe(100);
    expect(normalise(linear(0, 10), 'lower_better', 'x', 2)).toBe(80);
    expect(normalise(linear(-0.5, 0.5), 'higher_better', 'x', 0.25)).toBe(75);
  });

  it('ranks by percentile among the population with ties counting half, lowest 0 and highest 100', () => {
    const population = populationOf([{ x: 10 }, { x: 20 }, { x: 20 }, { x: 30 }, { x: null }, {}], ['x']);
    const p: Normalisation = { kind: 'percentile' };
    expect(normalise(p, 'higher_better', 'x', 10, population)).toBe(0);
    expect(normalise(p, 'higher_better', 'x', 20, population)).toBe(50);
    expect(normalise(p, 'higher_better', 'x', 30, population)).toBe(100);
    expect(normalise(p, 'lower_better', 'x', 30, population)).toBe(0);
    expect(normalise(p, 'lower_better', 'x', 10, population)).toBe(100);
    // A value no account has takes its mid-rank among the four.
    expect(normalise(p, 'higher_better', 'x', 25, population)).toBe(75);
    expect(normalise(p, 'higher_better', 'x', 1, population)).toBe(0);
  });

  it('ranks a lone account at 50 and cannot place a value without a population', () => {
    const p: Normalisation = { kind: 'percentile' };
    expect(normalise(p, 'higher_better', 'x', 3, populationOf([{ x: 3 }], ['x']))).toBe(50);
    expect(normalise(p, 'higher_better', 'x', 3, populationOf([{ y: 3 }], ['x']))).toBeNull();
    expect(normalise(p, 'higher_better', 'x', 3)).toBeNull();
  });

  it('maps sentiment 1..5 to 0..100', () => {
    expect([1, 2, 3, 4, 5].map(sentimentToScore)).toEqual([0, 25, 50, 75, 100]);
  });
});

describe('status bands', () => {
  it('gives the first band whose min the score reaches, edges included', () => {
    const at = (s: number | null) => statusOf(DEFAULT_BANDS, s)?.key ?? null;
    expect(at(100)).toBe('excellent');
    expect(at(70)).toBe('excellent');
    expect(at(69.99)).toBe('fair');
    expect(at(40)).toBe('fair');
    expect(at(39.99)).toBe('danger');
    expect(at(0)).toBe('danger');
    expect(at(null)).toBeNull();
  });

  it('works with any number of bands and puts a score below every min in the last', () => {
    const four: StatusBand[] = [
      { key: 'a', label: { 'zh-CN': 'A', en: 'A' }, color: 'green', min: 90 },
      { key: 'b', label: { 'zh-CN': 'B', en: 'B' }, color: 'blue', min: 60 },
      { key: 'c', label: { 'zh-CN': 'C', en: 'C' }, color: 'orange', min: 30 },
      { key: 'd', label: { 'zh-CN': 'D', en: 'D' }, color: 'red', min: 10 },
    ];
    expect([95, 90, 89, 60, 30, 29, 10, 5].map((s) => statusOf(four, s)?.key)).toEqual([
      'a',
      'a',
      'b',
      'b',
      'c',
      'd',
      'd',
      'd',
    ]);
  });
});

describe('scoreAccount', () => {
  const twoDims = model({
    dimensions: [
      {
        key: 'usage',
        name: 'Usage',
        weight: 3,
        components: [comp('a', 'fa', linear(0, 100)), comp('b', 'fb', linear(0, 100), { weight: 3 })],
      },
      {
        key: 'touch',
        name: 'Touch',
        weight: 1,
        components: [comp('c', 'fc', linear(0, 10), { direction: 'lower_better' })],
      },
    ],
  });

  it('weights components within their dimension and dimensions across the model', () => {
    const s = scoreAccount(twoDims, { fa: 40, fb: 80, fc: 5 });
    expect(s.components.map((c) => [c.key, c.weight, c.normalised, c.contribution])).toEqual([
      ['a', 0.1875, 40, 7.5],
      ['b', 0.5625, 80, 45],
      ['c', 0.25, 50, 12.5],
    ]);
    expect(s.score).toBe(65);
    expect(s.status).toBe('fair');
    expect(s.missing).toEqual([]);
  });

  it('leaves out a component without a value and renormalises the rest of its dimension', () => {
    const s = scoreAccount(twoDims, { fa: 40, fb: null, fc: 5 });
    expect(s.components.map((c) => [c.key, c.weight, c.contribution])).toEqual([
      ['a', 0.75, 30],
      ['c', 0.25, 12.5],
    ]);
    expect(s.score).toBe(42.5);
    expect(s.missing).toEqual([{ dimension: 'usage', key: 'b', fact: 'fb' }]);
  });

  it('renormalises across dimensions when a whole dimension has no value, treating non-numbers as missing', () => {
    const s = scoreAccount(twoDims, { fa: 40, fb: 80, fc: 'soon', other: 1 });
    expect(s.components.map((c) => [c.key, c.weight])).toEqual([
      ['a', 0.25],
      ['b', 0.75],
    ]);
    expect(s.score).toBe(70);
    expect(s.status).toBe('excellent');
    expect(scoreAccount(twoDims, { fa: Number.NaN, fb: 80 }).components.map((c) => c.key)).toEqual(['b']);
  });

  it('gives no score and no status when nothing can be scored', () => {
    const s = scoreAccount(twoDims, {});
    expect(s).toMatchObject({ score: null, status: null, components: [] });
    expect(s.missing.map((m) => m.key)).toEqual(['a', 'b', 'c']);
  });

  it('leaves out a percentile component when there is no population to rank in', () => {
    const m = model({
      dimensions: [
        {
          key: 'd',
          name: 'D',
          weight: 1,
          components: [comp('p', 'x', { kind: 'percentile' }), comp('l', 'y', linear(0, 1))],
        },
      ],
    });
    expect(scoreAccount(m, { x: 5, y: 1 }).components.map((c) => c.key)).toEqual(['l']);
    const population = populationOf([{ x: 1 }, { x: 5 }, { x: 9 }], ['x']);
    expect(scoreAccount(m, { x: 5, y: 1 }, population).score).toBe(75);
  });

  it('adds the sentiment as a dimension of its own while it has not expired', () => {
    const m = model({
      dimensions: [{ key: 'd', name: 'D', weight: 3, components: [comp('a', 'x', linear(0, 100))] }],
      sentiment: { weight: 1, expiresAfterDays: 30 },
    });
    const fresh = scoreAccount(m, { x: 60 }, undefined, { score: 5, ageDays: 29 });
    expect(fresh.components.at(-1)).toEqual({
      dimension: 'sentiment',
      key: 'sentiment',
      fact: 'health.sentiment',
      raw: 5,
      normalised: 100,
      weight: 0.25,
      contribution: 25,
    });
    expect(fresh.score).toBe(70);
    const expired = scoreAccount(m, { x: 60 }, undefined, { score: 5, ageDays: 30 });
    expect(expired.score).toBe(60);
    expect(expired.missing).toEqual([{ dimension: 'sentiment', key: 'sentiment', fact: 'health.sentiment' }]);
    // Without sentiment in the model a recorded one is ignored.
    expect(
      scoreAccount(model({ dimensions: m.dimensions }), { x: 60 }, undefined, { score: 1, ageDays: 0 }).score,
    ).toBe(60);
    // Sentiment alone still scores.
    expect(scoreAccount(m, {}, undefined, { score: 2, ageDays: 0 }).score).toBe(25);
  });

  it('has contributions that add up to the score, for many random accounts', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const m = model({
      dimensions: [
        {
          key: 'u',
          name: 'U',
          weight: 7,
          components: [
            comp('a', 'a', linear(0, 3), { weight: 1.3 }),
            comp('b', 'b', { kind: 'percentile' }, { weight: 2.9 }),
          ],
        },
        {
          key: 'e',
          name: 'E',
          weight: 3.3,
          components: [
            comp('c', 'c', {
              kind: 'bands',
              bands: [
                { upTo: 0.3, score: 13 },
                { upTo: null, score: 91 },
              ],
            }),
          ],
        },
      ],
      sentiment: { weight: 1.7, expiresAfterDays: 90 },
    });
    const accounts: Facts[] = Array.from({ length: 200 }, () => ({
      a: rand() < 0.2 ? null : rand() * 4,
      b: rand() < 0.2 ? null : rand() * 1000,
      c: rand() < 0.2 ? null : rand(),
    }));
    const population = populationOf(accounts, ['b']);
    for (const f of accounts) {
      const s = scoreAccount(
        m,
        f,
        population,
        rand() < 0.5 ? { score: 1 + Math.floor(rand() * 5), ageDays: 1 } : null,
      );
      if (s.score === null) continue;
      expect(sum(s.components)).toBeCloseTo(s.score, 9);
      expect(s.components.reduce((w, c) => w + c.weight, 0)).toBeCloseTo(1, 5);
      expect(s.score).toBeGreaterThanOrEqual(0);
      expect(s.score).toBeLessThanOrEqual(100);
    }
  });
});

describe('explain', () => {
  const m = model({
    dimensions: [
      {
        key: 'usage',
        name: 'Usage',
        weight: 1,
        components: [
          comp('a', 'fa', linear(0, 100)),
          comp('b', 'fb', linear(0, 100)),
          comp('c', 'fc', linear(0, 100)),
        ],
      },
    ],
  });

  it('lists every component’s change in contribution, biggest first, adding up to the score change', () => {
    const before = scoreAccount(m, { fa: 90, fb: 50, fc: 60 });
    const after = scoreAccount(m, { fa: 30, fb: 65, fc: 60 });
    const e = explain(after, before);
    expect(e.movedBy.map((x) => [x.key, x.change])).toEqual([
      ['a', -20],
      ['b', 5],
      ['c', 0],
    ]);
    expect(e.change).toBe(-15);
    expect(e.movedBy.reduce((s, x) => s + x.change, 0)).toBeCloseTo(e.change!, 9);
    expect(e).toMatchObject({
      scoreBefore: 66.67,
      scoreAfter: 51.67,
      statusBefore: 'fair',
      statusAfter: 'fair',
    });
    expect(e.movedBy[0]).toMatchObject({
      fact: 'fa',
      before: { raw: 90, normalised: 90, contribution: 30 },
      after: { raw: 30, normalised: 30, contribution: 10 },
    });
  });

  it('counts a component that appeared or disappeared against zero, with the renormalising it caused', () => {
    const before = scoreAccount(m, { fa: 90, fb: 90 });
    const after = scoreAccount(m, { fa: 90, fb: 90, fc: 0 });
    const e = explain(after, before);
    expect(e.change).toBe(-30);
    expect(e.movedBy.map((x) => [x.key, x.change])).toEqual([
      ['a', -15],
      ['b', -15],
      ['c', 0],
    ]);
    expect(e.movedBy.find((x) => x.key === 'c')).toMatchObject({ before: null, after: { contribution: 0 } });
    expect(explain(scoreAccount(m, {}), before)).toMatchObject({
      change: null,
      scoreAfter: null,
      statusAfter: null,
    });
  });
});

describe('scoreAll', () => {
  const usage = [{ key: 'u', name: 'U', weight: 1, components: [comp('p', 'x', { kind: 'percentile' })] }];
  const big = {
    ...model({ key: 'big', dimensions: usage, position: 1 }),
    id: 'big-id',
    selector: { fact: 'arr', op: '>=', value: 1000 },
  } as const;
  const rest = { ...model({ key: 'rest', dimensions: usage, position: 2 }), id: 'rest-id' };

  it('scores each account with the first model by position whose selector matches, ranking among its peers', () => {
    const facts = new Map<string, Facts>([
      ['a', { arr: 5000, x: 1 }],
      ['b', { arr: 2000, x: 2 }],
      ['c', { arr: 10, x: 100 }],
      ['d', { arr: 20, x: 200 }],
      ['e', { arr: 30 }],
    ]);
    const scores = scoreAll([rest, big], facts);
    expect([...scores].map(([id, s]) => [id, s.modelId, s.score])).toEqual([
      ['a', 'big-id', 0],
      ['b', 'big-id', 100],
      ['c', 'rest-id', 0],
      ['d', 'rest-id', 100],
      ['e', 'rest-id', null],
    ]);
  });

  it('leaves out accounts no model matches and passes sentiments through', () => {
    const withSentiment = { ...big, sentiment: { weight: 1, expiresAfterDays: 90 } };
    const scores = scoreAll(
      [withSentiment],
      new Map([
        ['a', { arr: 5000, x: 1 }],
        ['c', { arr: 1 }],
      ]),
      undefined,
      new Map([['a', { score: 5, ageDays: 0 }]]),
    );
    expect([...scores.keys()]).toEqual(['a']);
    expect(scores.get('a')!.score).toBe(75);
  });

  it('answers percentile selectors from the batch', () => {
    const top = {
      ...model({ key: 'top', dimensions: usage }),
      id: 'top',
      selector: { percentile: 'x', within: 'all', cmp: '>=', value: 50 },
    } as const;
    const facts = new Map<string, Facts>([
      ['a', { x: 1 }],
      ['b', { x: 2 }],
      ['c', { x: 3 }],
    ]);
    expect([...scoreAll([top], facts).keys()]).toEqual(['b', 'c']);
  });

  it('with a catalogue, matches nothing with a model whose selector names a fact that no longer exists', () => {
    const catalogue = new Map<string, FactDef>([['x', { key: 'x', type: 'number', description: '' }]]);
    expect(scoreAll([big, rest], new Map([['a', { arr: 5000, x: 1 }]]), catalogue).get('a')!.modelId).toBe(
      'rest-id',
    );
  });
});

describe('defaultHealthModel', () => {
  const metrics = [
    { key: 'logins', name: 'Logins', behaviour: 'basic' as const },
    { key: 'queries', name: 'Queries', behaviour: 'value' as const },
  ];
  const catalogue = new Map<string, FactDef>(
    [
      ...BASE_FACTS,
      ...metrics.flatMap((m) =>
        METRIC_FACTS.map(([s]) => ({
          key: `metrics.${m.key}.${s}`,
          type: 'number' as const,
          description: '',
        })),
      ),
    ].map((d) => [d.key, d]),
  );

  it('scores usage on value behaviours, with breadth, depth, engagement and sentiment, and passes validation', () => {
    const m = defaultHealthModel(metrics);
    expect(DEFAULT_MODEL_ID).toBe('default');
    expect(m.dimensions.map((d) => d.key)).toEqual(['usage', 'engagement']);
    expect(m.dimensions[0]!.components.map((c) => c.fact)).toEqual([
      'metrics.queries.total_30d',
      'metrics.queries.mom',
      'breadth',
      'depth',
    ]);
    expect(m.dimensions[1]!.components.find((c) => c.fact === 'days_since_last_touch')?.direction).toBe(
      'lower_better',
    );
    expect(m.dimensions[1]!.components.find((c) => c.fact === 'nps')?.normalisation).toEqual({
      kind: 'linear',
      min: -100,
      max: 100,
    });
    expect(m.sentiment).toEqual({ weight: 15, expiresAfterDays: 90 });
    expect(m.bands.map((b) => [b.key, b.label['zh-CN'], b.min])).toEqual([
      ['excellent', '优秀', 70],
      ['fair', '一般', 40],
      ['danger', '危险', 0],
    ]);
    expect(UpdateHealthModel.safeParse(m).success).toBe(true);
    // Its key is reserved: a stored model cannot take it.
    expect(CreateHealthModel.safeParse(m).success).toBe(false);
    expect(checkComponentFacts(m.dimensions, catalogue)).toEqual([]);
  });

  it('falls back to basic behaviours when no metric is a value behaviour, and works with no metrics', () => {
    expect(defaultHealthModel([metrics[0]!]).dimensions[0]!.components[0]!.fact).toBe(
      'metrics.logins.total_30d',
    );
    const bare = defaultHealthModel([]);
    expect(bare.dimensions[0]!.components.map((c) => c.fact)).toEqual(['breadth', 'depth']);
    const s = scoreAccount(
      bare,
      { breadth: 0.4, depth: 0.6, days_since_last_touch: 3, active_users_30d: 4 },
      populationOf([{ active_users_30d: 4 }], ['active_users_30d']),
    );
    // usage: breadth 50 (w 2/3), depth 100 (w 1/3) -> 66.67 × 60/85; engagement: (100 + 50)/2 × 25/85.
    expect(s.score).toBeCloseTo((66.6667 * 60) / 85 + (75 * 25) / 85, 1);
  });
});
