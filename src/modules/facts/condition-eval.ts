// Evaluating a checked condition against one account's facts. Pure: history ("changed by") and
// rank ("percentile") come from the caller through `env`, so the recompute pipeline can answer them
// from its batch and tests can answer them from a literal.
//
// The rule for missing values is SQL's: a missing (absent, null or undefined) fact never satisfies
// a comparison, whichever way it is worded. `x = 5`, `x != 5`, `x not in [...]` and
// `x not contains "a"` are all false when x is missing; only `x is empty` is true. A fact whose
// value has another type than the comparison (the text "5" against the number 5) is treated the
// same way. `not (...)` is plain negation, though: `not (x = 5)` is true for a missing x, which is
// how a condition says "anything but 5, including nothing".
import type { Cmp, Comparison, Condition, Within } from './condition.ts';

export type ConditionEnv = {
  /** The fact's value `days` ago, for `changed by`; missing history makes the comparison false. */
  previous?: (key: string, days: number) => number | null | undefined;
  /** The account's percentile rank (0-100) of a numeric fact among all accounts or its tier. */
  percentile?: (key: string, within: Within) => number | null | undefined;
};

export function evaluateCondition(
  c: Condition,
  facts: Readonly<Record<string, unknown>>,
  env: ConditionEnv = {},
): boolean {
  if ('and' in c) return c.and.every((item) => evaluateCondition(item, facts, env));
  if ('or' in c) return c.or.some((item) => evaluateCondition(item, facts, env));
  if ('not' in c) return !evaluateCondition(c.not, facts, env);
  if ('percentile' in c) {
    const rank = env.percentile?.(c.percentile, c.within);
    return isNumber(rank) && compare(rank, c.cmp, c.value);
  }
  return evaluateComparison(c, factValue(facts, c.fact), env);
}

function evaluateComparison(c: Comparison, value: unknown, env: ConditionEnv): boolean {
  switch (c.op) {
    case 'is empty':
      return isEmpty(value);
    case 'is not empty':
      return !isEmpty(value);
    case '=':
      return sameType(value, c.value) && value === c.value;
    case '!=':
      return sameType(value, c.value) && value !== c.value;
    case '<':
    case '<=':
    case '>':
    case '>=':
      // Dates are 'YYYY-MM-DD', so comparing them as strings orders them by day.
      return isOrdered(value) && sameType(value, c.value) && compare(value, c.op, c.value as number | string);
    case 'between': {
      const [lo, hi] = c.value;
      return isOrdered(value) && sameType(value, lo) && sameType(value, hi) && lo <= value && value <= hi;
    }
    case 'in':
      return isOrdered(value) && c.value.includes(value);
    case 'not in':
      return isOrdered(value) && !c.value.includes(value);
    case 'contains':
      return (Array.isArray(value) || typeof value === 'string') && value.includes(c.value);
    case 'not contains':
      return (Array.isArray(value) || typeof value === 'string') && !value.includes(c.value);
    case 'changed by': {
      const change = changeOf(value, env.previous?.(c.fact, c.days), c.relative === true);
      return change !== undefined && compare(change, c.cmp, c.value);
    }
  }
}

function changeOf(current: unknown, previous: unknown, relative: boolean): number | undefined {
  if (!isNumber(current) || !isNumber(previous)) return undefined;
  // A relative change from zero has no meaning (any growth is infinite), so it matches nothing.
  if (relative && previous === 0) return undefined;
  const change = relative ? (current - previous) / Math.abs(previous) : current - previous;
  // Subtracting decimals leaves binary noise (0.3 - 0.1 is 0.19999999999999998); rounding to 12
  // significant digits makes "changed by <= -0.2" agree with the arithmetic a person does.
  return Number(change.toPrecision(12));
}

// `constructor` and `__proto__` are valid fact keys and must not find Object.prototype's members.
// NaN and infinities come from a division by zero upstream; they count as missing, not as numbers.
function factValue(facts: Readonly<Record<string, unknown>>, key: string): unknown {
  const value = Object.hasOwn(facts, key) ? facts[key] : undefined;
  return typeof value === 'number' && !Number.isFinite(value) ? undefined : value;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOrdered = (v: unknown): v is number | string => isNumber(v) || typeof v === 'string';
const sameType = (a: unknown, b: unknown) => typeof a === typeof b;

function isEmpty(value: unknown): boolean {
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

function compare<T extends number | string>(a: T, cmp: Cmp, b: T): boolean {
  switch (cmp) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}
