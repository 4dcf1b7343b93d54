// Test support for the condition language: a small catalogue and a seeded generator of random
// trees, shared by condition.test.ts and condition.fuzz.test.ts. Not imported by application code.
import {
  type Catalogue,
  CMP_OPS,
  COMPARE_OPS,
  CONTAINS_OPS,
  type Condition,
  EMPTY_OPS,
  type FactDef,
  KEYWORDS,
  LIST_OPS,
  WITHIN,
} from './condition.ts';
import { OPS_BY_TYPE } from './condition-check.ts';

const FACTS: FactDef[] = [
  { key: 'tier', type: 'string', description: 'Tier', options: ['strategic', 'growth', 'nurture'] },
  { key: 'region', type: 'string', description: 'Region, e.g. 华东' },
  { key: 'name', type: 'string', description: 'Account name' },
  { key: 'arr', type: 'number', description: 'ARR' },
  { key: 'days_to_renewal', type: 'number', description: 'Days to renewal' },
  { key: 'tags', type: 'string[]', description: 'Tags' },
  { key: 'modules', type: 'string[]', description: 'Modules bought', options: ['crm', 'bi', 'ai'] },
  { key: 'renewal_date', type: 'date', description: 'Renewal date' },
  { key: 'go_live_date', type: 'date', description: 'Go-live date' },
  { key: 'is_churned', type: 'boolean', description: 'Churned' },
  { key: 'health.score', type: 'number', description: 'Health score' },
  { key: 'metrics.query.mom_change', type: 'number', description: 'Queries, month over month' },
  { key: 'metrics.query.total_30d', type: 'number', description: 'Queries, 30 days' },
  { key: 'metrics.reports_run.total_30d', type: 'number', description: 'Reports run, 30 days' },
  { key: 'cf.nps_2024', type: 'number', description: 'Custom field with digits' },
];

export const catalogue: Catalogue = new Map(FACTS.map((def) => [def.key, def]));

/** mulberry32: tiny, fast, and good enough to make the same cases on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const NUMBERS = [
  0,
  1,
  -1,
  7,
  90,
  100000,
  300000,
  -0.3,
  0.07,
  1e21,
  -1e-7,
  5e-324,
  1.7976931348623157e308,
  0.1 + 0.2,
];

export function randomNumber(rng: Rng): number {
  switch (rng.int(4)) {
    case 0:
      return rng.pick(NUMBERS);
    case 1:
      return rng.int(2001) - 1000;
    case 2:
      // `|| 0` turns -0 (from rounding a small negative) into 0, which is what the text reads back.
      return Number(((rng.next() - 0.5) * 10 ** rng.int(8)).toFixed(rng.int(6))) || 0;
    default: {
      const n = (rng.next() * 2 - 1) * 10 ** (rng.int(60) - 30);
      return n === 0 ? 1 : n;
    }
  }
}

const STRING_PARTS = [
  'a',
  'Z',
  ' ',
  '华东',
  '标杆客户',
  '"',
  '\\',
  '\\"',
  '😀',
  '\n',
  '\t',
  'and',
  'or',
  ')',
  '（',
  'é',
  '',
];

export function randomString(rng: Rng): string {
  let s = '';
  const length = rng.int(5);
  for (let i = 0; i < length; i++) s += rng.pick(STRING_PARTS);
  return s;
}

export function randomDay(rng: Rng): string {
  return new Date(Date.UTC(2015 + rng.int(15), 0, 1 + rng.int(3650))).toISOString().slice(0, 10);
}

const SEGMENTS = ['a', 'b_1', 'x9', '_', 'metrics', 'in', 'not', 'percentile', '7d', 'and_or'];

/** A fact key the text can hold: lower-case dotted segments, never exactly a keyword. */
export function randomFactKey(rng: Rng): string {
  let key = rng.pick(SEGMENTS.filter((s) => /^[a-z_]/.test(s)));
  const more = rng.int(3);
  for (let i = 0; i < more; i++) key += `.${rng.pick(SEGMENTS)}`;
  return KEYWORDS.has(key) ? `${key}_` : key;
}

/**
 * A random tree the schema accepts. With `typed`, facts come from the catalogue with operators and
 * values that suit their type, so the tree also passes `checkCondition`; without, facts and values
 * are arbitrary, which exercises the text form harder. Lists have two or more items: a one-item
 * list prints as its item (see conditionToText).
 */
export function randomCondition(rng: Rng, { depth = 4, typed = false } = {}): Condition {
  if (depth > 1 && rng.chance(0.45)) {
    const kind = rng.int(3);
    if (kind === 2) return { not: randomCondition(rng, { depth: depth - 1, typed }) };
    const items = Array.from({ length: 2 + rng.int(3) }, () =>
      randomCondition(rng, { depth: depth - 1, typed }),
    );
    return kind === 0 ? { and: items } : { or: items };
  }
  return typed ? randomTypedLeaf(rng) : randomLeaf(rng);
}

function randomLeaf(rng: Rng): Condition {
  const fact = randomFactKey(rng);
  const item = () => (rng.chance(0.5) ? randomNumber(rng) : randomString(rng));
  switch (rng.int(7)) {
    case 0: {
      const value = rng.pick([randomNumber(rng), randomString(rng), rng.chance(0.5)]);
      return { fact, op: rng.pick(COMPARE_OPS), value };
    }
    case 1:
      return { fact, op: rng.pick(LIST_OPS), value: Array.from({ length: 1 + rng.int(4) }, item) };
    case 2:
      return { fact, op: 'between', value: [item(), item()] };
    case 3:
      return { fact, op: rng.pick(EMPTY_OPS) };
    case 4:
      return { fact, op: rng.pick(CONTAINS_OPS), value: randomString(rng) };
    case 5:
      return randomChange(rng, fact);
    default:
      return { percentile: fact, within: rng.pick(WITHIN), cmp: rng.pick(CMP_OPS), value: randomNumber(rng) };
  }
}

function randomChange(rng: Rng, fact: string): Condition {
  const base = {
    fact,
    op: 'changed by',
    cmp: rng.pick(CMP_OPS),
    value: randomNumber(rng),
    days: 1 + rng.int(365),
  } as const;
  return rng.chance(0.5) ? { ...base, relative: true } : base;
}

function randomTypedLeaf(rng: Rng): Condition {
  const def = rng.pick([...catalogue.values()]);
  if (def.type === 'number' && rng.chance(0.15)) {
    return { percentile: def.key, within: rng.pick(WITHIN), cmp: rng.pick(CMP_OPS), value: rng.int(101) };
  }
  const op = rng.pick(OPS_BY_TYPE[def.type]);
  const scalar = (): string | number => {
    if (def.type === 'number') return randomNumber(rng);
    if (def.type === 'date') return randomDay(rng);
    return def.options ? rng.pick(def.options) : randomString(rng);
  };
  const fact = def.key;
  switch (op) {
    case 'in':
    case 'not in':
      return { fact, op, value: Array.from({ length: 1 + rng.int(3) }, scalar) };
    case 'between': {
      const [lo, hi] = [scalar(), scalar()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return { fact, op, value: [lo, hi] };
    }
    case 'is empty':
    case 'is not empty':
      return { fact, op };
    case 'contains':
    case 'not contains':
      return { fact, op, value: def.options ? rng.pick(def.options) : randomString(rng) };
    case 'changed by':
      return randomChange(rng, fact);
    default:
      return { fact, op, value: def.type === 'boolean' ? rng.chance(0.5) : scalar() };
  }
}

/** Facts for the catalogue above, each sometimes missing or null. */
export function randomFacts(rng: Rng): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const def of catalogue.values()) {
    if (rng.chance(0.15)) continue;
    if (rng.chance(0.1)) {
      facts[def.key] = null;
      continue;
    }
    const options = def.options ?? ['华东', 'x', ''];
    facts[def.key] =
      def.type === 'number'
        ? randomNumber(rng)
        : def.type === 'boolean'
          ? rng.chance(0.5)
          : def.type === 'date'
            ? randomDay(rng)
            : def.type === 'string'
              ? rng.pick(options)
              : options.filter(() => rng.chance(0.5));
  }
  return facts;
}
