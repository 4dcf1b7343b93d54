import { describe, expect, it } from 'vitest';
import { textOf } from '../../i18n/index.ts';
import type { FactDef } from '../facts/condition.ts';
import { CreateHealthModel, checkComponentFacts, type Dimension } from './health-model.schemas.ts';

const component = {
  key: 'logins',
  name: 'Logins',
  fact: 'metrics.logins.total_30d',
  weight: 1,
  normalisation: { kind: 'linear', min: 0, max: 100 },
};
const body = (over: Record<string, unknown> = {}) => ({
  key: 'main',
  name: 'Main',
  dimensions: [{ key: 'usage', name: 'Usage', weight: 1, components: [component] }],
  ...over,
});
const paths = (input: unknown) => {
  const r = CreateHealthModel.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

describe('the health model schema', () => {
  it('accepts a minimal model and defaults direction', () => {
    const parsed = CreateHealthModel.parse(body());
    expect(parsed.dimensions[0]!.components[0]!.direction).toBe('higher_better');
    expect(parsed.bands).toBeUndefined();
  });

  it('requires band upper bounds to rise, with only the last open', () => {
    const bands = (list: unknown[]) =>
      body({
        dimensions: [
          {
            key: 'usage',
            name: 'Usage',
            weight: 1,
            components: [{ ...component, normalisation: { kind: 'bands', bands: list } }],
          },
        ],
      });
    expect(
      paths(
        bands([
          { upTo: 5, score: 0 },
          { upTo: null, score: 100 },
        ]),
      ),
    ).toEqual([]);
    expect(
      paths(
        bands([
          { upTo: 5, score: 0 },
          { upTo: 5, score: 100 },
        ]),
      ),
    ).toEqual(['dimensions.0.components.0.normalisation.bands.1.upTo']);
    expect(
      paths(
        bands([
          { upTo: null, score: 0 },
          { upTo: 5, score: 100 },
        ]),
      ),
    ).toEqual(['dimensions.0.components.0.normalisation.bands.0.upTo']);
    expect(paths(bands([{ upTo: 5, score: 101 }]))).toEqual([
      'dimensions.0.components.0.normalisation.bands.0.score',
    ]);
  });

  it('refuses a linear range that does not rise, weights of zero, duplicate keys and the reserved sentiment key', () => {
    const withComponents = (components: unknown[], key = 'usage') =>
      body({ dimensions: [{ key, name: 'Usage', weight: 1, components }] });
    expect(
      paths(withComponents([{ ...component, normalisation: { kind: 'linear', min: 5, max: 5 } }])),
    ).toEqual(['dimensions.0.components.0.normalisation.max']);
    expect(paths(withComponents([{ ...component, weight: 0 }]))).toEqual([
      'dimensions.0.components.0.weight',
    ]);
    expect(paths(withComponents([component, component]))).toEqual(['dimensions.0.components.1.key']);
    expect(paths(withComponents([component], 'sentiment'))).toEqual(['dimensions.0.key']);
  });

  it('wants status bands best first with falling minimums and distinct keys', () => {
    const band = (key: string, min: number) => ({
      key,
      label: { 'zh-CN': key, en: key },
      color: '#00aa00',
      min,
    });
    expect(paths(body({ bands: [band('good', 60), band('bad', 0)] }))).toEqual([]);
    expect(paths(body({ bands: [band('bad', 0), band('good', 60)] }))).toEqual(['bands.1.min']);
    expect(paths(body({ bands: [band('good', 60), band('good', 0)] }))).toEqual(['bands.1.key']);
    expect(paths(body({ bands: [{ ...band('good', 60), color: 'rgb(1,2,3)' }] }))).toEqual(['bands.0.color']);
  });
});

describe('checkComponentFacts', () => {
  const catalogue = new Map<string, FactDef>([
    ['arr', { key: 'arr', type: 'number', description: '' }],
    ['region', { key: 'region', type: 'string', description: '' }],
    ['health.score', { key: 'health.score', type: 'number', description: '' }],
  ]);
  const dims = (facts: string[]): Dimension[] => [
    {
      key: 'd',
      name: 'D',
      weight: 1,
      components: facts.map((fact, i) => ({
        key: `c${i}`,
        name: 'C',
        fact,
        weight: 1,
        direction: 'higher_better',
        normalisation: { kind: 'percentile' },
      })),
    },
  ];

  it('names the path of every component whose fact is unknown, not numeric, or health itself', () => {
    expect(checkComponentFacts(dims(['arr']), catalogue)).toEqual([]);
    const issues = checkComponentFacts(dims(['arr', 'nope', 'region', 'health.score']), catalogue);
    expect(issues.map((i) => ({ ...i, message: textOf('en', i.message) }))).toEqual([
      { path: 'dimensions.0.components.1.fact', message: 'unknown fact nope; see GET /facts/catalogue' },
      { path: 'dimensions.0.components.2.fact', message: 'region is a string, not a number' },
      { path: 'dimensions.0.components.3.fact', message: 'a health score cannot be made of health facts' },
    ]);
  });
});
