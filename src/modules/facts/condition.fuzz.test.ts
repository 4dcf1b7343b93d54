// Whatever text or JSON reaches the condition language (a CLI flag, a config file, an API body), it
// either compiles or fails with a ConditionError that names the problem: never a TypeError or a
// RangeError from deep inside, and never a hang.
import { describe, expect, it } from 'vitest';
import {
  catalogue,
  Rng,
  randomCondition,
  randomFacts,
  randomNumber,
  randomString,
  seededRandom,
} from './condition.fixtures.ts';
import { type Condition, ConditionError } from './condition.ts';
import { compileCondition } from './condition-check.ts';
import { evaluateCondition } from './condition-eval.ts';
import { conditionToText, parseCondition } from './condition-text.ts';

// biome-ignore format: a token list reads better packed than one per line
const TOKENS = [
  'and', 'AND', 'or', 'Or', 'not', 'NOT', 'in', 'between', 'is', 'empty', 'contains', 'changed', 'by',
  'percentile', 'within', 'all', 'tier', 'true', 'FALSE', 'null', '(', ')', '[', ']', ',', '=', '!=', '<',
  '<=', '>', '>=', '==', '<>', '!', '"', '"华东"', '"a\\"b"', '"bad \\n escape"', '"unterminated', '\\', '7d',
  '0d', '99999d', '7x', '10%', '-20%', '-0.3', '1e5', '1e999', '1.', '+', '-', '.', '%', 'arr', 'tier',
  'tags', 'region', 'go_live_date', '"2024-02-30"', '"2024-01-01"', 'health.score',
  'metrics.query.mom_change', 'metrics.qury.mom_change', 'metrics.', 'Tier', '😀', '（', '“', '，', '\u0000',
  '\u3000', '{', '}', '{"fact": "arr", "op": "is empty"}', '{"and": []}', ':',
];
// biome-ignore format: one line per kind of character keeps the pool readable
const CHAR_POOL = [
  // All printable ASCII, weighted towards characters the grammar uses.
  ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)),
  ...'abcxyz_.019 ()[],"\\=!<>+-%eE\n\t',
  '华', '东', '标', '😀', '\u0000', '\u001f', '\u200b', '\u3000', '\ufeff', '\ud800', '\udc00', 'é', '“',
];
const SEPARATORS = [' ', ' ', ' ', '', '\n', '\t', '\u3000', '  '];

const VALID = [
  'tier = "strategic" and metrics.query.mom_change <= -0.3 and days_to_renewal <= 90',
  'region in ["华东", "华南"] or not (arr between 100000 and 300000)',
  'tags contains "标杆客户"',
  'renewal_date is not empty',
  'health.score changed by <= -10 in 7d',
  'percentile(metrics.reports_run.total_30d within tier) <= 10',
  'go_live_date >= "2024-01-01"',
  'is_churned = false',
  'arr changed by <= -20% in 90d and tier not in ["nurture"]',
];

type Kind = 'tokens' | 'characters' | 'truncated' | 'mutated' | 'generated';

function randomText(rng: Rng, kind: Kind): string {
  switch (kind) {
    case 'tokens': {
      const n = 1 + rng.int(25);
      let s = '';
      for (let i = 0; i < n; i++) s += rng.pick(TOKENS) + rng.pick(SEPARATORS);
      return s;
    }
    case 'characters': {
      const n = rng.int(60);
      let s = '';
      for (let i = 0; i < n; i++) s += rng.pick(CHAR_POOL);
      return s;
    }
    case 'truncated': {
      const text = rng.chance(0.5) ? rng.pick(VALID) : conditionToText(randomCondition(rng, { typed: true }));
      return text.slice(0, rng.int(text.length + 1));
    }
    case 'mutated': {
      let text = rng.pick(VALID);
      const edits = 1 + rng.int(3);
      for (let i = 0; i < edits; i++) {
        const at = rng.int(text.length + 1);
        const edit = rng.int(4);
        if (edit === 0) text = text.slice(0, at) + text.slice(at + 1 + rng.int(5));
        else if (edit === 1) text = `${text.slice(0, at)}${rng.pick(TOKENS)}${text.slice(at)}`;
        else if (edit === 2) text = `${text.slice(0, at)}${rng.pick(CHAR_POOL)}${text.slice(at)}`;
        else text = text.slice(0, at) + text.slice(rng.int(text.length));
      }
      return text;
    }
    case 'generated':
      return conditionToText(randomCondition(rng, { typed: rng.chance(0.5) }));
  }
}

const KINDS: Kind[] = ['tokens', 'characters', 'truncated', 'mutated', 'generated'];

/** Runs `run`: 'ok', 'rejected' (a ConditionError), or whatever else it threw. */
function attempt(run: () => unknown): 'ok' | 'rejected' | { foreign: unknown } {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof ConditionError ? 'rejected' : { foreign: error };
  }
}

describe('fuzzing the text form', () => {
  it('throws only ConditionError for 5,000 random texts, never hangs, and round-trips what it accepts', () => {
    const rng = new Rng(seededRandom(7));
    const foreign: { text: string; error: unknown }[] = [];
    const counts = { parsed: 0, compiled: 0, rejected: 0 };
    let slowest = 0;
    for (let i = 0; i < 5000; i++) {
      const text = randomText(rng, KINDS[i % KINDS.length]);
      const started = performance.now();
      const parsed = attempt(() => {
        const tree = parseCondition(text);
        // Whatever parses must print and read back as the same tree.
        expect(parseCondition(conditionToText(tree))).toEqual(tree);
      });
      const compiled = attempt(() => {
        const tree = compileCondition(text, catalogue);
        const env = { previous: () => 1, percentile: () => 50 };
        expect(typeof evaluateCondition(tree, randomFacts(rng), env)).toBe('boolean');
      });
      slowest = Math.max(slowest, performance.now() - started);
      for (const outcome of [parsed, compiled])
        if (typeof outcome === 'object') foreign.push({ text, error: outcome.foreign });
      if (parsed === 'ok') counts.parsed++;
      if (compiled === 'ok') counts.compiled++;
      if (parsed === 'rejected') counts.rejected++;
    }
    expect(foreign.slice(0, 5)).toEqual([]);
    // The mix must exercise both paths, or this test could pass by rejecting everything.
    expect(counts.parsed).toBeGreaterThan(1000);
    expect(counts.compiled).toBeGreaterThan(500);
    expect(counts.rejected).toBeGreaterThan(2000);
    expect(slowest).toBeLessThan(250);
  });

  it('handles pathological lengths in linear time', () => {
    const long = `arr in [${Array.from({ length: 50_000 }, (_, i) => i).join(', ')}]`;
    const started = performance.now();
    expect((compileCondition(long, catalogue) as { value: number[] }).value).toHaveLength(50_000);
    const many = Array.from({ length: 5_000 }, (_, i) => `arr > ${i}`).join('\nand ');
    expect((compileCondition(many, catalogue) as { and: unknown[] }).and).toHaveLength(5_000);
    const unterminated = `name = "${'x'.repeat(200_000)}`;
    expect(() => parseCondition(unterminated)).toThrow(ConditionError);
    const longKey = `${'a'.repeat(100_000)} = 1`;
    expect(() => compileCondition(longKey, catalogue)).toThrow(/longer than 200 characters/);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

function randomJson(rng: Rng, depth: number): unknown {
  const kind = rng.int(depth > 0 ? 8 : 5);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([randomNumber(rng), -0, 0.5, Number.POSITIVE_INFINITY, Number.NaN]);
    case 3:
      return rng.pick([randomString(rng), 'and', 'is empty', 'changed by', 'arr', 'tier', '2024-01-01', '']);
    case 4:
      return rng.pick([[], {}, undefined]);
    case 5:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth - 1));
    default: {
      const keys = [
        'and',
        'or',
        'not',
        'fact',
        'op',
        'value',
        'cmp',
        'days',
        'relative',
        'percentile',
        'within',
        'x',
        '__proto__',
      ];
      const object: Record<string, unknown> = {};
      const n = rng.int(5);
      for (let i = 0; i < n; i++) object[rng.pick(keys)] = randomJson(rng, depth - 1);
      return object;
    }
  }
}

/** A well-typed tree with one random change: a key dropped or added, or a value replaced. */
function mutateTree(rng: Rng, tree: Condition): unknown {
  const copy = JSON.parse(JSON.stringify(tree)) as Record<string, unknown>;
  const nodes: Record<string, unknown>[] = [];
  const collect = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    if (!Array.isArray(value)) nodes.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) collect(child);
  };
  collect(copy);
  const node = rng.pick(nodes);
  const keys = Object.keys(node);
  const edit = rng.int(3);
  if (edit === 0 && keys.length > 0) delete node[rng.pick(keys)];
  else if (edit === 1)
    node[rng.pick(['value', 'op', 'days', 'within', 'extra', 'relative'])] = randomJson(rng, 1);
  else if (keys.length > 0) node[rng.pick(keys)] = randomJson(rng, 2);
  return copy;
}

describe('fuzzing JSON trees', () => {
  it('throws only ConditionError for 3,000 random JSON values, mutated trees and valid trees', () => {
    const rng = new Rng(seededRandom(11));
    const foreign: { input: unknown; error: unknown }[] = [];
    let compiled = 0;
    for (let i = 0; i < 3000; i++) {
      const tree = randomCondition(rng, { typed: true });
      const input = i % 3 === 0 ? randomJson(rng, 4) : i % 3 === 1 ? mutateTree(rng, tree) : tree;
      const outcome = attempt(() => {
        const tree = compileCondition(input, catalogue);
        expect(typeof evaluateCondition(tree, randomFacts(rng))).toBe('boolean');
      });
      if (typeof outcome === 'object') foreign.push({ input, error: outcome.foreign });
      if (outcome === 'ok') compiled++;
    }
    expect(foreign.slice(0, 5)).toEqual([]);
    // Every third input is a valid tree, so at least those compile; a few mutants stay valid too.
    expect(compiled).toBeGreaterThan(1000);
  });

  it('compiles every random well-typed tree, from JSON and from its text, to the same tree', () => {
    const rng = new Rng(seededRandom(3));
    for (let i = 0; i < 500; i++) {
      const tree = randomCondition(rng, { typed: true });
      const text = conditionToText(tree);
      expect(compileCondition(tree, catalogue)).toEqual(tree);
      expect(compileCondition(text, catalogue), text).toEqual(tree);
    }
  });
});
