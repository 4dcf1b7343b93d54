import { describe, expect, it } from 'vitest';
import { textOf } from '../../i18n/index.ts';
import { BASE_FACTS } from '../facts/catalogue.ts';
import { BodyChecker } from './compile.ts';
import {
  assignTier,
  bandLabel,
  bandRules,
  compositeLabel,
  evaluateSegments,
  type SegmentRule,
  schemeTiers,
  type TieringRules,
} from './rules.ts';
import { compileRules } from './schemes.ts';
import type { TierRuleInput } from './segments.schemas.ts';
import {
  ACTIVE_USER_BANDS,
  ARR_BANDS,
  DEFAULT_SCHEME,
  MIXED_SIZE_BANDS,
  SCHEME_TEMPLATES,
} from './templates.ts';

const catalogue = new Map(BASE_FACTS.map((f) => [f.key, f]));

describe('bands', () => {
  it('puts ARR on the lower edge of a band into that band (seed 002: 10万, 30万, 100万)', () => {
    const cases: [number, string][] = [
      [0, 'small'],
      [99_999.99, 'small'],
      [100_000, 'medium'],
      [299_999.99, 'medium'],
      [300_000, 'large'],
      [999_999.99, 'large'],
      [1_000_000, 'very_large'],
      [50_000_000, 'very_large'],
      [-10, 'small'],
    ];
    for (const [arr, label] of cases) expect(bandLabel(arr, ARR_BANDS), String(arr)).toBe(label);
  });

  it('bands active users at 30, 100 and 500 people', () => {
    expect([29, 30, 99, 100, 499, 500, 10_000].map((n) => bandLabel(n, ACTIVE_USER_BANDS))).toEqual([
      'small',
      'medium',
      'medium',
      'large',
      'large',
      'very_large',
      'very_large',
    ]);
  });

  it('gives no label to a missing or non-numeric value', () => {
    for (const value of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY, '100000', true]) {
      expect(bandLabel(value, ARR_BANDS)).toBeNull();
    }
  });

  it('writes bands as rules that agree with bandLabel at and around every edge', () => {
    for (const [fact, bands] of [
      ['arr', ARR_BANDS],
      ['active_users_30d', ACTIVE_USER_BANDS],
    ] as const) {
      const scheme = bandRules(fact, bands);
      expect(scheme.defaultTier).toBe('small');
      expect(scheme.rules.map((r) => ('tier' in r ? r.tier : null))).toEqual([
        'very_large',
        'large',
        'medium',
      ]);
      const edges = bands.flatMap((b) =>
        b.below === undefined ? [] : [b.below - 0.01, b.below, b.below + 0.01],
      );
      for (const value of [0, ...edges, 1e9]) {
        expect(assignTier(scheme, { [fact]: value }), `${fact} ${value}`).toBe(bandLabel(value, bands));
      }
    }
  });
});

describe('assignTier', () => {
  const scheme: TieringRules = {
    rules: [
      { tier: 'a', when: { fact: 'arr', op: '>=', value: 100 } },
      { tier: 'b', when: { fact: 'arr', op: '>=', value: 10 } },
      { tier: 'c', when: { fact: 'region', op: '=', value: '华东' } },
    ],
    defaultTier: 'z',
  };

  it('takes the first rule that matches, even when later ones match too', () => {
    expect(assignTier(scheme, { arr: 500, region: '华东' })).toBe('a');
    expect(assignTier(scheme, { arr: 50, region: '华东' })).toBe('b');
    expect(assignTier(scheme, { arr: 5, region: '华东' })).toBe('c');
  });

  it('falls back to the default tier when no rule matches or the facts are missing', () => {
    expect(assignTier(scheme, { arr: 5, region: '华南' })).toBe('z');
    expect(assignTier(scheme, {})).toBe('z');
    expect(assignTier({ rules: [], defaultTier: 'only' }, { arr: 1e9 })).toBe('only');
  });

  it('gives the default scheme strategic from 1,000,000 ARR or the 标杆客户 tag, growth from 100,000', () => {
    const tier = (facts: Record<string, unknown>) => assignTier(DEFAULT_SCHEME, facts);
    expect(tier({ arr: 1_000_000, tags: [] })).toBe('strategic');
    expect(tier({ arr: 999_999.99, tags: [] })).toBe('growth');
    expect(tier({ arr: 0, tags: ['标杆客户'] })).toBe('strategic');
    expect(tier({ arr: 100_000, tags: [] })).toBe('growth');
    expect(tier({ arr: 99_999.99, tags: ['vip'] })).toBe('nurture');
    expect(tier({})).toBe('nurture');
  });

  it('lists the tiers a plain scheme can give, in rule order, and none for a composite one', () => {
    expect(schemeTiers(DEFAULT_SCHEME)).toEqual(['strategic', 'growth', 'nurture']);
    expect(schemeTiers(scheme)).toEqual(['a', 'b', 'c', 'z']);
    expect(schemeTiers({ rules: [{ composite: ['region'] }], defaultTier: 'x' })).toBeNull();
  });
});

describe('composite tiers', () => {
  const mixed = SCHEME_TEMPLATES.find((t) => t.key === 'mixed')!;

  it('labels region, then industry, then ARR size (seed 002 mixed)', () => {
    expect(assignTier(mixed, { region: '华东', industry: '制造', arr: 300_000 })).toBe('华东/制造/large');
    expect(assignTier(mixed, { region: '华东', industry: '制造', arr: 299_999 })).toBe('华东/制造/small');
    expect(assignTier(mixed, { region: '华北', industry: '互联网', arr: 0 })).toBe('华北/互联网/small');
  });

  it('writes the missing label for a missing or blank part when the rule sets one', () => {
    expect(assignTier(mixed, { region: '华南', industry: null, arr: 5e6 })).toBe('华南/未知/large');
    expect(assignTier(mixed, { region: '  ', arr: 1 })).toBe('未知/未知/small');
  });

  it('skips a composite rule with a missing part and no missing label, to the next rule', () => {
    const scheme: TieringRules = {
      rules: [
        { composite: ['region', { fact: 'arr', bands: [...MIXED_SIZE_BANDS] }] },
        { tier: 'no_region', when: { fact: 'region', op: 'is empty' } },
      ],
      defaultTier: 'unassigned',
    };
    expect(assignTier(scheme, { region: '华东', arr: 1 })).toBe('华东/small');
    expect(assignTier(scheme, { arr: 1 })).toBe('no_region');
    expect(assignTier(scheme, { region: '华东' })).toBe('unassigned');
  });

  it('applies a composite rule only to accounts its condition matches', () => {
    const scheme: TieringRules = {
      rules: [{ composite: ['industry'], when: { fact: 'arr', op: '>=', value: 100 } }],
      defaultTier: 'small',
    };
    expect(assignTier(scheme, { industry: '零售', arr: 100 })).toBe('零售');
    expect(assignTier(scheme, { industry: '零售', arr: 99 })).toBe('small');
  });

  it('spells numbers and booleans as text', () => {
    expect(
      compositeLabel(['licensed_seats', 'renewal_confirmed'], {
        licensed_seats: 50,
        renewal_confirmed: false,
      }),
    ).toBe('50/false');
    expect(compositeLabel(['tags'], { tags: ['a'] })).toBeNull();
  });
});

describe('evaluateSegments', () => {
  const segments: SegmentRule[] = [
    { key: 'east', condition: { fact: 'region', op: '=', value: '华东' } },
    { key: 'at_risk', condition: { fact: 'health.status', op: 'in', value: ['danger', 'fair'] } },
    { key: 'not_east', condition: { not: { fact: 'region', op: '=', value: '华东' } } },
  ];

  it('returns the keys of every matching segment in order', () => {
    expect(evaluateSegments(segments, { region: '华东', 'health.status': 'danger' })).toEqual([
      'east',
      'at_risk',
    ]);
    expect(evaluateSegments(segments, { region: '华南', 'health.status': 'excellent' })).toEqual([
      'not_east',
    ]);
  });

  it('treats missing facts as matching no comparison, but matching its negation', () => {
    expect(evaluateSegments(segments, {})).toEqual(['not_east']);
    expect(evaluateSegments([], { region: '华东' })).toEqual([]);
  });
});

describe('templates', () => {
  it('all compile against the base fact catalogue', () => {
    for (const t of SCHEME_TEMPLATES) {
      const checker = new BodyChecker(catalogue);
      const rules = compileRules(checker, t.rules as TierRuleInput[]);
      expect(checker.issues, t.key).toEqual([]);
      expect(rules).toEqual(t.rules);
    }
  });

  it('reject a tier rule that reads the tier or the stage, naming the rule', () => {
    const checker = new BodyChecker(catalogue);
    compileRules(checker, [
      { tier: 'a', when: 'arr > 1' },
      { tier: 'b', when: 'tier = "a"' },
      { composite: ['stage'] },
      { composite: [{ fact: 'region', bands: [{ label: 'x' }] }] },
      { tier: 'c', when: { fact: 'arrr', op: '>', value: 1 } },
    ]);
    expect(checker.issues.map((i) => i.path)).toEqual([
      'rules.1.when',
      'rules.2.composite.0',
      'rules.3.composite.0.fact',
      'rules.4.when.fact',
    ]);
    const [first, , , fourth] = checker.issues.map((i) => textOf('en', i.message));
    expect(first).toMatch(/cannot read .*\(it reads tier\)/);
    expect(fourth).toMatch(/^Unknown fact "arrr"/);
    expect(textOf('zh-CN', checker.issues[0]!.message)).toMatch(/不能读取.*（它读取了 tier）/);
  });
});
