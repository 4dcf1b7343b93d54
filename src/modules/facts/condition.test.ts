import { describe, expect, it } from 'vitest';
import { catalogue, Rng, randomCondition, seededRandom } from './condition.fixtures.ts';
import { type Condition, ConditionError, conditionFacts } from './condition.ts';
import { checkCondition, closestKeys, compileCondition } from './condition-check.ts';
import { type ConditionEnv, evaluateCondition } from './condition-eval.ts';
import { conditionToText, parseCondition, shiftDecimal } from './condition-text.ts';

function errorOf(run: () => unknown): ConditionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConditionError);
    return error as ConditionError;
  }
  throw new Error('expected a ConditionError, but nothing was thrown');
}

const compile = (input: unknown) => compileCondition(input, catalogue);
const evaluate = (text: string, facts: Record<string, unknown>, env?: ConditionEnv) =>
  evaluateCondition(compile(text), facts, env);

type OperatorCase = {
  text: string;
  tree: Condition;
  yes: Record<string, unknown>[];
  no: Record<string, unknown>[];
  env?: ConditionEnv;
};

const history: ConditionEnv = {
  previous: (key, days) => {
    const past: Record<string, number | null> = {
      'health.score@7': 72,
      'arr@90': 100,
      'days_to_renewal@30': 0,
    };
    return past[`${key}@${days}`];
  },
};

const OPERATORS: OperatorCase[] = [
  {
    text: 'arr = 100000',
    tree: { fact: 'arr', op: '=', value: 100000 },
    yes: [{ arr: 100000 }],
    no: [{ arr: 99999 }, { arr: '100000' }, {}],
  },
  {
    text: 'region != "华东"',
    tree: { fact: 'region', op: '!=', value: '华东' },
    yes: [{ region: '华南' }, { region: '' }],
    no: [{ region: '华东' }, { region: null }, {}],
  },
  {
    text: 'arr < 5',
    tree: { fact: 'arr', op: '<', value: 5 },
    yes: [{ arr: 4.99 }, { arr: -1 }],
    no: [{ arr: 5 }, {}],
  },
  {
    text: 'arr <= 5',
    tree: { fact: 'arr', op: '<=', value: 5 },
    yes: [{ arr: 5 }],
    no: [{ arr: 5.01 }, { arr: null }],
  },
  {
    text: 'arr > 5',
    tree: { fact: 'arr', op: '>', value: 5 },
    yes: [{ arr: 6 }],
    no: [{ arr: 5 }, { arr: '6' }],
  },
  {
    text: 'arr >= 5',
    tree: { fact: 'arr', op: '>=', value: 5 },
    yes: [{ arr: 5 }],
    no: [{ arr: 4 }, { arr: Number.NaN }],
  },
  {
    text: 'go_live_date >= "2024-01-01"',
    tree: { fact: 'go_live_date', op: '>=', value: '2024-01-01' },
    yes: [{ go_live_date: '2024-01-01' }, { go_live_date: '2025-06-30' }],
    no: [{ go_live_date: '2023-12-31' }, {}],
  },
  {
    text: 'is_churned = false',
    tree: { fact: 'is_churned', op: '=', value: false },
    yes: [{ is_churned: false }],
    no: [{ is_churned: true }, { is_churned: 0 }, {}],
  },
  {
    text: 'tier in ["strategic", "growth"]',
    tree: { fact: 'tier', op: 'in', value: ['strategic', 'growth'] },
    yes: [{ tier: 'growth' }],
    no: [{ tier: 'nurture' }, {}],
  },
  {
    text: 'days_to_renewal in [30, 60, 90]',
    tree: { fact: 'days_to_renewal', op: 'in', value: [30, 60, 90] },
    yes: [{ days_to_renewal: 60 }],
    no: [{ days_to_renewal: 45 }, { days_to_renewal: '60' }],
  },
  {
    text: 'tier not in ["nurture"]',
    tree: { fact: 'tier', op: 'not in', value: ['nurture'] },
    yes: [{ tier: 'growth' }],
    no: [{ tier: 'nurture' }, { tier: null }],
  },
  {
    text: 'arr between 100000 and 300000',
    tree: { fact: 'arr', op: 'between', value: [100000, 300000] },
    yes: [{ arr: 100000 }, { arr: 300000 }, { arr: 200000 }],
    no: [{ arr: 99999 }, { arr: 300001 }, {}],
  },
  {
    text: 'renewal_date between "2025-01-01" and "2025-03-31"',
    tree: { fact: 'renewal_date', op: 'between', value: ['2025-01-01', '2025-03-31'] },
    yes: [{ renewal_date: '2025-03-31' }],
    no: [{ renewal_date: '2025-04-01' }, {}],
  },
  {
    text: 'renewal_date is empty',
    tree: { fact: 'renewal_date', op: 'is empty' },
    yes: [{}, { renewal_date: null }, { renewal_date: '' }],
    no: [{ renewal_date: '2025-01-01' }],
  },
  {
    text: 'tags is not empty',
    tree: { fact: 'tags', op: 'is not empty' },
    yes: [{ tags: ['a'] }],
    no: [{ tags: [] }, {}],
  },
  {
    text: 'tags contains "标杆客户"',
    tree: { fact: 'tags', op: 'contains', value: '标杆客户' },
    yes: [{ tags: ['x', '标杆客户'] }],
    no: [{ tags: ['标杆'] }, { tags: [] }, {}],
  },
  {
    text: 'tags not contains "churn-risk"',
    tree: { fact: 'tags', op: 'not contains', value: 'churn-risk' },
    yes: [{ tags: [] }, { tags: ['x'] }],
    no: [{ tags: ['churn-risk'] }, {}],
  },
  {
    text: 'region contains "华"',
    tree: { fact: 'region', op: 'contains', value: '华' },
    yes: [{ region: '华东' }],
    no: [{ region: '西北' }, {}],
  },
  {
    text: 'health.score changed by <= -10 in 7d',
    tree: { fact: 'health.score', op: 'changed by', cmp: '<=', value: -10, days: 7 },
    env: history,
    yes: [{ 'health.score': 62 }, { 'health.score': 50 }],
    no: [{ 'health.score': 63 }, {}],
  },
  {
    text: 'arr changed by <= -20% in 90d',
    tree: { fact: 'arr', op: 'changed by', cmp: '<=', value: -0.2, days: 90, relative: true },
    env: history,
    yes: [{ arr: 80 }],
    no: [{ arr: 81 }, {}],
  },
  {
    text: 'days_to_renewal changed by > 5% in 30d',
    tree: { fact: 'days_to_renewal', op: 'changed by', cmp: '>', value: 0.05, days: 30, relative: true },
    env: history,
    yes: [],
    // A relative change from zero is undefined, so nothing matches.
    no: [{ days_to_renewal: 10 }],
  },
  {
    text: 'percentile(metrics.reports_run.total_30d within tier) <= 10',
    tree: { percentile: 'metrics.reports_run.total_30d', within: 'tier', cmp: '<=', value: 10 },
    env: {
      percentile: (key, within) => (key === 'metrics.reports_run.total_30d' && within === 'tier' ? 10 : 50),
    },
    yes: [{}],
    no: [],
  },
  {
    text: 'percentile(metrics.reports_run.total_30d within all) > 90',
    tree: { percentile: 'metrics.reports_run.total_30d', within: 'all', cmp: '>', value: 90 },
    env: { percentile: () => 90 },
    yes: [],
    no: [{}],
  },
];

describe('the condition language, operator by operator', () => {
  for (const { text, tree, yes, no, env } of OPERATORS) {
    it(`parses, checks and evaluates ${text}`, () => {
      expect(parseCondition(text)).toEqual(tree);
      expect(compile(text)).toEqual(tree);
      expect(compile(tree)).toEqual(tree);
      for (const facts of yes) expect(evaluateCondition(tree, facts, env), JSON.stringify(facts)).toBe(true);
      for (const facts of no) expect(evaluateCondition(tree, facts, env), JSON.stringify(facts)).toBe(false);
    });
  }

  it('treats a percentile or change as false when the environment cannot answer', () => {
    expect(evaluate('percentile(arr within all) < 50', {})).toBe(false);
    expect(evaluate('percentile(arr within all) < 50', {}, { percentile: () => null })).toBe(false);
    expect(evaluate('arr changed by > 1 in 7d', { arr: 10 })).toBe(false);
    expect(evaluate('arr changed by > 1 in 7d', { arr: 10 }, { previous: () => undefined })).toBe(false);
    expect(evaluate('arr changed by > 1 in 7d', { arr: 10 }, { previous: () => 1 })).toBe(true);
  });

  it('rounds away binary noise when computing a change', () => {
    // 0.1 - 0.3 is -0.19999999999999998 in floating point; a person calls it -0.2.
    const env = { previous: () => 0.3 };
    expect(
      evaluate(
        'metrics.query.mom_change changed by <= -0.2 in 30d',
        { 'metrics.query.mom_change': 0.1 },
        env,
      ),
    ).toBe(true);
    expect(
      evaluate('metrics.query.mom_change changed by < -0.2 in 30d', { 'metrics.query.mom_change': 0.1 }, env),
    ).toBe(false);
  });

  it('never lets a missing value satisfy a comparison, but lets not() include it', () => {
    expect(evaluate('arr != 5', {})).toBe(false);
    expect(evaluate('arr != 5', { arr: null })).toBe(false);
    expect(evaluate('not arr = 5', {})).toBe(true);
    expect(evaluate('not (arr = 5)', { arr: 5 })).toBe(false);
  });

  it('does not read object prototype members as facts', () => {
    const tree: Condition = { fact: 'constructor', op: 'is empty' };
    expect(evaluateCondition(tree, {})).toBe(true);
    expect(evaluateCondition({ fact: 'to_string', op: 'is not empty' }, { toString: 'x' })).toBe(false);
  });

  it('treats NaN and infinite facts as missing', () => {
    expect(evaluate('arr is empty', { arr: Number.NaN })).toBe(true);
    expect(evaluate('arr != 1', { arr: Number.POSITIVE_INFINITY })).toBe(false);
  });
});

describe('parsing', () => {
  it('parses every example from the brief', () => {
    expect(
      parseCondition('tier = "strategic" and metrics.query.mom_change <= -0.3 and days_to_renewal <= 90'),
    ).toEqual({
      and: [
        { fact: 'tier', op: '=', value: 'strategic' },
        { fact: 'metrics.query.mom_change', op: '<=', value: -0.3 },
        { fact: 'days_to_renewal', op: '<=', value: 90 },
      ],
    });
    expect(parseCondition('region in ["华东", "华南"] or not (arr between 100000 and 300000)')).toEqual({
      or: [
        { fact: 'region', op: 'in', value: ['华东', '华南'] },
        { not: { fact: 'arr', op: 'between', value: [100000, 300000] } },
      ],
    });
    expect(parseCondition('renewal_date is not empty')).toEqual({ fact: 'renewal_date', op: 'is not empty' });
  });

  it('binds not tighter than and, and and tighter than or', () => {
    expect(parseCondition('arr > 1 or arr < 0 and tags is empty')).toEqual({
      or: [
        { fact: 'arr', op: '>', value: 1 },
        {
          and: [
            { fact: 'arr', op: '<', value: 0 },
            { fact: 'tags', op: 'is empty' },
          ],
        },
      ],
    });
    expect(parseCondition('not arr > 1 and tags is empty')).toEqual({
      and: [{ not: { fact: 'arr', op: '>', value: 1 } }, { fact: 'tags', op: 'is empty' }],
    });
  });

  it('lets parentheses override precedence and keeps explicit groups as their own nodes', () => {
    expect(parseCondition('(arr > 1 or arr < 0) and tags is empty')).toEqual({
      and: [
        {
          or: [
            { fact: 'arr', op: '>', value: 1 },
            { fact: 'arr', op: '<', value: 0 },
          ],
        },
        { fact: 'tags', op: 'is empty' },
      ],
    });
    expect(parseCondition('not (arr > 1 and tags is empty)')).toEqual({
      not: {
        and: [
          { fact: 'arr', op: '>', value: 1 },
          { fact: 'tags', op: 'is empty' },
        ],
      },
    });
    expect(parseCondition('arr > 1 and (arr < 5 and tags is empty)')).toEqual({
      and: [
        { fact: 'arr', op: '>', value: 1 },
        {
          and: [
            { fact: 'arr', op: '<', value: 5 },
            { fact: 'tags', op: 'is empty' },
          ],
        },
      ],
    });
    expect(parseCondition('((arr > 1))')).toEqual({ fact: 'arr', op: '>', value: 1 });
  });

  it('reads the and inside between as part of the range', () => {
    expect(parseCondition('arr between 1 and 2 and arr != 3')).toEqual({
      and: [
        { fact: 'arr', op: 'between', value: [1, 2] },
        { fact: 'arr', op: '!=', value: 3 },
      ],
    });
  });

  it('reads keywords in any case', () => {
    const lower = parseCondition(
      'tier = "growth" and arr between 1 and 2 or not renewal_date is not empty and is_churned = true',
    );
    const mixed = parseCondition(
      'tier = "growth" AND arr BETWEEN 1 And 2 Or NOT renewal_date IS NOT EMPTY and is_churned = TRUE',
    );
    expect(mixed).toEqual(lower);
    expect(parseCondition('PERCENTILE(arr WITHIN Tier) < 5')).toEqual({
      percentile: 'arr',
      within: 'tier',
      cmp: '<',
      value: 5,
    });
    expect(parseCondition('arr CHANGED BY <= -1 IN 7D')).toEqual({
      fact: 'arr',
      op: 'changed by',
      cmp: '<=',
      value: -1,
      days: 7,
    });
    expect(parseCondition('tags NOT CONTAINS "a"')).toEqual({ fact: 'tags', op: 'not contains', value: 'a' });
    expect(parseCondition('tier Not In ["growth"]')).toEqual({
      fact: 'tier',
      op: 'not in',
      value: ['growth'],
    });
  });

  it('reads numbers with signs, decimals and exponents', () => {
    const values = ['0', '-0', '+5', '-0.3', '1e5', '2.5E-3', '-1e+21', '123456.789'].map(
      (n) => (parseCondition(`arr = ${n}`) as { value: number }).value,
    );
    expect(values).toEqual([0, 0, 5, -0.3, 100000, 0.0025, -1e21, 123456.789]);
  });

  it('reads Unicode strings and the two escapes', () => {
    expect(parseCondition('name = "say \\"hi\\" \\\\ 你好 😀"')).toEqual({
      fact: 'name',
      op: '=',
      value: 'say "hi" \\ 你好 😀',
    });
    expect(parseCondition('name = ""')).toEqual({ fact: 'name', op: '=', value: '' });
    expect(parseCondition('name = "two\nlines"')).toEqual({ fact: 'name', op: '=', value: 'two\nlines' });
  });

  it('accepts fact keys with digits and underscores, and a full-width space between tokens', () => {
    expect(parseCondition('cf.nps_2024 >= 9\u3000and _x.y_1.7d = 1')).toEqual({
      and: [
        { fact: 'cf.nps_2024', op: '>=', value: 9 },
        { fact: '_x.y_1.7d', op: '=', value: 1 },
      ],
    });
  });

  it('defaults percentile to all accounts when within is left out', () => {
    expect(parseCondition('percentile(arr) >= 90')).toEqual({
      percentile: 'arr',
      within: 'all',
      cmp: '>=',
      value: 90,
    });
  });

  it('records the fact position of each comparison without adding properties to the tree', () => {
    const tree = parseCondition('arr > 1 and\n  tier = "growth"');
    expect(JSON.stringify(tree)).toBe(
      '{"and":[{"fact":"arr","op":">","value":1},{"fact":"tier","op":"=","value":"growth"}]}',
    );
    expect(Object.keys((tree as { and: object[] }).and[1])).toEqual(['fact', 'op', 'value']);
  });
});

describe('syntax errors', () => {
  const cases: [string, string, string, { line: number; column: number }][] = [
    [
      'reports an unexpected token',
      'arr >= >= 3',
      'Unexpected ">=" at line 1, column 8 (expected a number or a "string")',
      { line: 1, column: 8 },
    ],
    [
      'reports an unterminated string at its opening quote',
      'tier = "strategic',
      'Unterminated string at line 1, column 8 (close it with ")',
      { line: 1, column: 8 },
    ],
    [
      'reports trailing input after a complete condition',
      'arr > 1 tier = "growth"',
      'Unexpected "tier" at line 1, column 9 (expected and, or or the end)',
      { line: 1, column: 9 },
    ],
    [
      'reports empty input',
      '',
      'Empty condition at line 1, column 1 (write a comparison such as arr >= 100000)',
      { line: 1, column: 1 },
    ],
    [
      'reports input of only whitespace',
      '  \n ',
      'Empty condition at line 2, column 2 (write a comparison such as arr >= 100000)',
      { line: 2, column: 2 },
    ],
    [
      'reports a missing value at the end',
      'arr >=',
      'Unexpected end of condition at line 1, column 7 (expected a number or a "string")',
      { line: 1, column: 7 },
    ],
    [
      'reports an unknown escape',
      'name = "a\\n"',
      'Unknown escape "\\n" at line 1, column 10 (inside quotes only \\" and \\\\ are escapes)',
      { line: 1, column: 10 },
    ],
    [
      'reports an unclosed parenthesis',
      '(arr > 1',
      'Unexpected end of condition at line 1, column 9 (expected ) to close the ( at line 1, column 1)',
      { line: 1, column: 9 },
    ],
    [
      'reports an extra closing parenthesis',
      'arr > 1)',
      'Unexpected ")" at line 1, column 8 (no "(" to close)',
      { line: 1, column: 8 },
    ],
    [
      'suggests = for ==',
      'arr == 1',
      'Unexpected "==" at line 1, column 5 (use = to compare)',
      { line: 1, column: 5 },
    ],
    [
      'suggests straight quotes for curly ones',
      'region = “华东”',
      'Unexpected character "“" at line 1, column 10 (use ")',
      { line: 1, column: 10 },
    ],
    [
      'suggests is empty for null',
      'region = null',
      'Unexpected "null" at line 1, column 10 (use is empty or is not empty to test for a missing value)',
      { line: 1, column: 10 },
    ],
    [
      'rejects an empty list',
      'tier in []',
      'Empty list at line 1, column 9 (a list needs at least one value)',
      { line: 1, column: 9 },
    ],
    [
      'rejects a zero-day window',
      'arr changed by < 0 in 0d',
      '0d is not a usable window at line 1, column 23 (use 1d to 3660d)',
      { line: 1, column: 23 },
    ],
    [
      'rejects upper-case fact keys',
      'Tier = "growth"',
      'Invalid fact key "Tier" at line 1, column 1 (fact keys are lower case: tier)',
      { line: 1, column: 1 },
    ],
    [
      'rejects a keyword where a fact belongs',
      'arr > 1 and and arr < 2',
      'Unexpected "and" at line 1, column 13 (expected a fact, not, percentile or ()',
      { line: 1, column: 13 },
    ],
    [
      'rejects a missing operator',
      'arr 5',
      'Unexpected "5" at line 1, column 5 (expected an operator: =, !=, <, <=, >, >=, in, not in, between, is empty, is not empty, contains, not contains or changed by)',
      { line: 1, column: 5 },
    ],
    [
      'rejects a number glued to letters',
      'arr > 10k',
      'Invalid number "10k" at line 1, column 7',
      { line: 1, column: 7 },
    ],
    [
      'rejects a percent outside changed by',
      'arr > 10%',
      'Unexpected "10%" at line 1, column 7 (expected a number or a "string")',
      { line: 1, column: 7 },
    ],
    [
      'rejects a number too large for a double',
      'arr > 1e999',
      'Number 1e999 is out of range at line 1, column 7',
      { line: 1, column: 7 },
    ],
    [
      'rejects = in changed by',
      'arr changed by = 3 in 7d',
      'Unexpected "=" at line 1, column 16 (expected <, <=, > or >=)',
      { line: 1, column: 16 },
    ],
  ];
  for (const [name, text, message, where] of cases) {
    it(name, () => {
      const error = errorOf(() => parseCondition(text));
      expect(error.message).toBe(message);
      expect(error.position).toMatchObject(where);
    });
  }

  it('gives the offset as well as line and column, counting a CJK character or an emoji as one column', () => {
    const error = errorOf(() => parseCondition('region = "华东😀" and\n  arr >>'));
    expect(error.position).toEqual({ offset: 27, line: 2, column: 8 });
    const sameLine = errorOf(() => parseCondition('name = "😀😀" ~'));
    expect(sameLine.position).toEqual({ offset: 14, line: 1, column: 13 });
  });

  it('limits nesting so a machine-made condition cannot exhaust the stack', () => {
    expect(parseCondition(`${'not '.repeat(32)}arr > 1`)).toBeTruthy();
    expect(errorOf(() => parseCondition(`${'not '.repeat(33)}arr > 1`)).message).toMatch(
      /nested more than 32 levels/,
    );
    expect(
      errorOf(() => parseCondition(`${'('.repeat(10_000)}arr > 1${')'.repeat(10_000)}`)).message,
    ).toMatch(/nested more than 32 levels deep at line 1, column 33/);
  });

  it('rejects anything but a string', () => {
    expect(errorOf(() => parseCondition(42 as unknown as string)).message).toBe(
      'A condition in text form must be a string',
    );
  });
});

describe('type errors against the catalogue', () => {
  it('names an unknown fact, where it is, and the closest known keys', () => {
    const error = errorOf(() => compile('tier = "strategic" and metrics.qury.mom_change <= -0.3'));
    expect(error.message).toBe(
      'Unknown fact "metrics.qury.mom_change" at line 1, column 24 (did you mean metrics.query.mom_change?)',
    );
    expect(error.position).toEqual({ offset: 23, line: 1, column: 24 });
    expect(error.path).toBe('and.1.fact');
  });

  it('points at the right line of a multi-line condition', () => {
    const error = errorOf(() => compile('tier = "growth"\n  and arr >= 1\n  and helth.score < 50'));
    expect(error.message).toBe('Unknown fact "helth.score" at line 3, column 7 (did you mean health.score?)');
  });

  it('suggests full keys for a prefix or a suffix, and nothing for a key unlike any other', () => {
    expect(closestKeys('health', [...catalogue.keys()])).toEqual(['health.score']);
    expect(closestKeys('total_30d', [...catalogue.keys()])).toEqual([
      'metrics.query.total_30d',
      'metrics.reports_run.total_30d',
    ]);
    expect(errorOf(() => compile('zzzzzzzz > 1')).message).toBe(
      'Unknown fact "zzzzzzzz" at line 1, column 1',
    );
  });

  it('rejects an operator that does not suit the fact type', () => {
    expect(errorOf(() => compile('tags < 3')).message).toBe(
      'Operator "<" does not apply to tags, which is a list of strings at line 1, column 1 (use contains, not contains, is empty or is not empty)',
    );
    expect(errorOf(() => compile('arr contains "1"')).message).toMatch(
      /^Operator "contains" does not apply to arr, which is a number/,
    );
    expect(errorOf(() => compile('is_churned between 1 and 2')).message).toMatch(
      /^Operator "between" does not apply to is_churned, which is a boolean at line 1, column 1 \(use =, !=, is empty or is not empty\)$/,
    );
    expect(errorOf(() => compile('region < "m"')).message).toMatch(
      /^Operator "<" does not apply to region, which is a string/,
    );
    expect(errorOf(() => compile('tags in ["a"]')).path).toBe('op');
  });

  it('allows changed by and percentile on number facts only', () => {
    expect(errorOf(() => compile('tier changed by < 1 in 7d')).message).toMatch(
      /^Operator "changed by" does not apply to tier/,
    );
    const error = errorOf(() => compile('x > 1 or percentile(go_live_date within tier) < 10'));
    expect(error.message).toMatch(/^Unknown fact "x"/);
    expect(errorOf(() => compile('percentile(go_live_date within tier) < 10')).message).toBe(
      'percentile needs a number fact, but go_live_date is a date at line 1, column 12',
    );
    expect(errorOf(() => compile('percentile(arr) < 101')).message).toBe(
      'Percentile 101 for arr is outside 0 to 100 at line 1, column 12',
    );
  });

  it('rejects a value of the wrong type, naming fact and value', () => {
    expect(errorOf(() => compile('arr = "abc"')).message).toBe(
      'Value "abc" for arr is not a number at line 1, column 1',
    );
    expect(errorOf(() => compile('region = 5')).message).toBe(
      'Value 5 for region is not a string at line 1, column 1 (write it in quotes: "5")',
    );
    expect(errorOf(() => compile('is_churned = "yes"')).message).toBe(
      'Value "yes" for is_churned is not true or false at line 1, column 1',
    );
    const inList = errorOf(() => compile('arr in [1, "2"]'));
    expect(inList.message).toBe('Value "2" for arr is not a number at line 1, column 1');
    expect(inList.path).toBe('value.1');
    expect(errorOf(() => compile('arr between 1 and "2"')).path).toBe('value.1');
  });

  it('rejects dates that are not real YYYY-MM-DD days', () => {
    expect(errorOf(() => compile('go_live_date >= "2024-13-01"')).message).toBe(
      'Value "2024-13-01" for go_live_date is not a valid date at line 1, column 1 (write dates as "YYYY-MM-DD")',
    );
    expect(errorOf(() => compile('go_live_date = "2023-02-29"')).message).toMatch(/is not a valid date/);
    expect(errorOf(() => compile('renewal_date between "2025-01-01" and "soon"')).path).toBe('value.1');
    expect(errorOf(() => compile('go_live_date < 20240101')).message).toBe(
      'Value 20240101 for go_live_date is not a date "YYYY-MM-DD" at line 1, column 1',
    );
  });

  it('rejects values outside the options a fact lists', () => {
    expect(errorOf(() => compile('tier = "enterprise"')).message).toBe(
      'Value "enterprise" is not an option of tier at line 1, column 1 (options: strategic, growth, nurture)',
    );
    expect(errorOf(() => compile('tier not in ["growth", "enterprise"]')).path).toBe('value.1');
    expect(errorOf(() => compile('modules contains "erp"')).message).toMatch(
      /^Value "erp" is not an option of modules/,
    );
    // A substring search on a plain string fact can look for any text.
    expect(compile('region contains "东"')).toEqual({ fact: 'region', op: 'contains', value: '东' });
  });

  it('rejects a range whose bounds are reversed', () => {
    expect(errorOf(() => compile('arr between 300 and 100')).message).toBe(
      'Range 300 to 100 for arr is empty at line 1, column 1 (write the lower bound first)',
    );
  });

  it('returns the very tree it checked, so positions survive for later errors', () => {
    const tree = parseCondition('arr > 1');
    expect(checkCondition(tree, catalogue)).toBe(tree);
  });
});

describe('JSON trees', () => {
  it('reports type errors by JSON path', () => {
    const error = errorOf(() =>
      compile({
        and: [
          { fact: 'arr', op: '>', value: 1 },
          { fact: 'arr', op: '>', value: 'x' },
        ],
      }),
    );
    expect(error.message).toBe('Value "x" for arr is not a number at and.1.value');
    expect(error.path).toBe('and.1.value');
    expect(error.position).toBeUndefined();
    expect(
      errorOf(() =>
        compile({ or: [{ not: { fact: 'arr', op: '>', value: 1 } }, { fact: 'ar', op: 'is empty' }] }),
      ).message,
    ).toBe('Unknown fact "ar" at or.1.fact (did you mean arr?)');
  });

  it('reports shape errors by JSON path', () => {
    const OPS =
      '=, !=, <, <=, >, >=, in, not in, between, is empty, is not empty, contains, not contains, changed by';
    const shape: [unknown, string, string][] = [
      [
        { and: [{ fact: 'arr', op: '>>', value: 1 }] },
        'and.0.op',
        `Operator ">>" is unknown at and.0.op (use one of ${OPS})`,
      ],
      [{ not: { fact: 'arr' } }, 'not.op', `Operator is missing at not.op (use one of ${OPS})`],
      [{ or: [] }, 'or', 'Invalid condition at or: needs at least one condition'],
      [{ and: [{ fact: 'arr', op: 'is empty', value: 3 }] }, 'and.0', 'Unexpected key "value" at and.0'],
      [{ and: [{ fact: 'arr', op: '>', value: 1 }], or: [] }, '', 'Unexpected key "or" at the top level'],
      [
        { fact: 'Arr', op: 'is empty' },
        'fact',
        'Invalid condition at fact: must be a lower-case dotted key such as metrics.query.total_30d',
      ],
      [
        { fact: 'and', op: 'is empty' },
        'fact',
        'Invalid condition at fact: cannot be a keyword of the condition language',
      ],
      [
        { fact: 'arr', op: 'changed by', cmp: '<', value: 1, days: 0 },
        'days',
        'Invalid condition at days: Too small: expected number to be >=1',
      ],
      [
        { fact: 'arr', op: '>', value: [1] },
        'value',
        'Invalid condition at value: must be a number, a string or a boolean',
      ],
      [
        { fact: 'arr', op: 'in', value: [] },
        'value',
        'Invalid condition at value: must list at least one value',
      ],
      [
        { and: [42] },
        'and.0',
        'Expected a condition at and.0: an object with and, or, not, fact or percentile',
      ],
      [
        { not: { percentile: 'arr', within: 'team', cmp: '<', value: 1 } },
        'not.within',
        'Invalid condition at not.within: Invalid option: expected one of "all"|"tier"',
      ],
      [null, '', 'Expected a condition at the top level: an object with and, or, not, fact or percentile'],
    ];
    for (const [input, path, message] of shape) {
      const error = errorOf(() => compile(input));
      expect(error.message, JSON.stringify(input)).toBe(message);
      expect(error.path, JSON.stringify(input)).toBe(path);
    }
  });

  it('rejects empty and/or lists in trees passed straight to checkCondition', () => {
    expect(errorOf(() => checkCondition({ and: [] }, catalogue)).path).toBe('and');
  });

  it('accepts JSON text where a string starts with {', () => {
    expect(compile(' {"fact": "arr", "op": "is empty"}')).toEqual({ fact: 'arr', op: 'is empty' });
    expect(errorOf(() => compile('{"fact": ')).message).toMatch(/^Condition is not valid JSON/);
  });

  it('rejects trees nested deeper than the limit, and cyclic objects, without overflowing the stack', () => {
    let deep: unknown = { fact: 'arr', op: 'is empty' };
    for (let i = 0; i < 50_000; i++) deep = { not: deep };
    expect(errorOf(() => compile(deep)).message).toMatch(/nested more than 32 levels/);
    const cyclic: { and: unknown[] } = { and: [] };
    cyclic.and.push(cyclic);
    expect(errorOf(() => compile(cyclic)).message).toMatch(/nested more than 32 levels/);
  });

  it('returns a clean copy-equal tree for valid JSON', () => {
    const tree = {
      and: [
        { fact: 'arr', op: '>=', value: 1 },
        { percentile: 'arr', within: 'tier', cmp: '<', value: 10 },
      ],
    };
    expect(compile(tree)).toEqual(tree);
  });
});

describe('conditionFacts', () => {
  it('lists every fact a condition reads, once, in order of first mention', () => {
    const tree = compile(
      'arr > 1 and (tier = "growth" or not arr < 5) and percentile(metrics.query.total_30d within tier) < 10 and health.score changed by < -5 in 7d',
    );
    expect(conditionFacts(tree)).toEqual(['arr', 'tier', 'metrics.query.total_30d', 'health.score']);
  });
});

// Texts written the way people will write them; each reads back to the same tree from its canonical form.
const ROUND_TRIP = [
  'arr > 1',
  'arr >= 100000 and metrics.query.mom_change < -0.3',
  'tier = "strategic" and metrics.query.mom_change <= -0.3 and days_to_renewal <= 90',
  'region in ["华东", "华南"] or not (arr between 100000 and 300000)',
  'tags contains "标杆客户"',
  'renewal_date is not empty',
  'renewal_date is empty',
  'health.score changed by <= -10 in 7d',
  'percentile(metrics.reports_run.total_30d within tier) <= 10',
  'percentile(arr) > 90',
  'go_live_date >= "2024-01-01"',
  'is_churned = false',
  'is_churned != true',
  'tier not in ["nurture"]',
  'tags not contains "x"',
  'arr changed by >= 25% in 90d',
  'arr changed by < -0.5% in 30d',
  'metrics.query.mom_change changed by > 0.07 in 30d',
  'a = 0 or b = 1 and c = 2',
  '(a = 1 or b = 2) and c = 3',
  'a = 1 and (b = 2 and c = 3)',
  'a = 1 or (b = 2 or c = 3)',
  '((a = 1))',
  'not not a = 1',
  'not (a = 1 and b = 2)',
  'not (a = 1 or b = 2) or c = 3',
  'NOT a IS EMPTY Or b IS NOT EMPTY',
  'x = "quote \\" and backslash \\\\"',
  'x = "emoji 😀 and 中文"',
  'x = "line\nbreak"',
  'x in [1, -2.5, "three", 4e-7]',
  'x between -1e21 and 1e21',
  'x between "2024-01-01" and "2024-12-31"',
  'x = +5',
  'x = 0.30000000000000004',
  'x > 5e-324',
  'x.y_1.z9 != ""',
  'metrics.in.total = 1 and metrics.not.x = 2',
  'percentile(a within all) < 1 and (percentile(b within tier) >= 99 or c changed by > 1 in 3660d)',
  'a = 1 and b = 2 or c = 3 and not (d = 4 or e = 5)',
  'tier = "growth"\n  and   arr>=1\n  or tags contains "a"',
];

describe('canonical text', () => {
  it('writes the brief examples with lower-case keywords and minimal parentheses', () => {
    const canonical = (text: string) => conditionToText(parseCondition(text));
    expect(canonical('region in ["华东","华南"] OR NOT (arr between 100000 and 300000)')).toBe(
      'region in ["华东", "华南"] or not arr between 100000 and 300000',
    );
    expect(canonical('(a = 1 and b = 2) or (c = 3)')).toBe('a = 1 and b = 2 or c = 3');
    expect(canonical('(a = 1 or b = 2) and c = 3')).toBe('(a = 1 or b = 2) and c = 3');
    expect(canonical('not (a = 1 or b = 2)')).toBe('not (a = 1 or b = 2)');
    expect(canonical('x = "a\\"b\\\\"')).toBe('x = "a\\"b\\\\"');
    expect(canonical('arr changed by <= -20% in 90d')).toBe('arr changed by <= -20% in 90d');
    expect(canonical('percentile(arr) >= 90')).toBe('percentile(arr within all) >= 90');
    expect(canonical('x = -0')).toBe('x = 0');
  });

  it('prints a one-item list as its item', () => {
    expect(conditionToText({ and: [{ or: [{ fact: 'arr', op: 'is empty' }] }] })).toBe('arr is empty');
    expect(() => conditionToText({ and: [] })).toThrow(ConditionError);
  });

  for (const text of ROUND_TRIP) {
    it(`reads back the same tree from the canonical form of ${JSON.stringify(text)}`, () => {
      const tree = parseCondition(text);
      const canonical = conditionToText(tree);
      expect(parseCondition(canonical)).toEqual(tree);
      expect(conditionToText(parseCondition(canonical))).toBe(canonical);
    });
  }

  it('reads back 500 random trees exactly from their canonical text', () => {
    const rng = new Rng(seededRandom(20240601));
    for (let i = 0; i < 500; i++) {
      const tree = randomCondition(rng, { depth: 1 + rng.int(5) });
      const text = conditionToText(tree);
      expect(parseCondition(text), text).toEqual(tree);
    }
  });

  it('moves a decimal point exactly, so a relative change survives printing as a percentage', () => {
    expect(shiftDecimal('0.07', 2)).toBe('7');
    expect(shiftDecimal('7', -2)).toBe('0.07');
    expect(shiftDecimal('-0.2', 2)).toBe('-20');
    expect(shiftDecimal('123.456', 5)).toBe('12345600');
    expect(shiftDecimal('1e-7', 2)).toBe('1e-5');
    expect(shiftDecimal('-1.5e+21', -2)).toBe('-1.5e19');
    expect(shiftDecimal('0', 2)).toBe('0');
    expect(0.07 * 100).not.toBe(7);
  });
});
