// Checking a condition against the fact catalogue: every fact exists, every operator suits its fact's
// type, every value has that type (and is one of the fact's options, when it lists them). Errors
// name the fact or value and say where: line and column for conditions that came from text, the
// JSON path (`and.1.value`) for trees.
import type { z } from 'zod';
import { type Message, type MessageKey, msg, type Param } from '../../i18n/index.ts';
import { isValidDay } from '../../time.ts';
import {
  atPosition,
  type Catalogue,
  type Comparison,
  Condition,
  ConditionError,
  type FactDef,
  type FactOp,
  type FactType,
  located,
  MAX_DEPTH,
  sourcePositionOf,
} from './condition.ts';
import { parseCondition } from './condition-text.ts';

/** Which operators make sense for each type of fact. */
export const OPS_BY_TYPE: Record<FactType, readonly FactOp[]> = {
  number: [
    '=',
    '!=',
    '<',
    '<=',
    '>',
    '>=',
    'in',
    'not in',
    'between',
    'is empty',
    'is not empty',
    'changed by',
  ],
  // No ordering on strings: "region < 'm'" is never what a person means, and dates have their own type.
  string: ['=', '!=', 'in', 'not in', 'contains', 'not contains', 'is empty', 'is not empty'],
  boolean: ['=', '!=', 'is empty', 'is not empty'],
  date: ['=', '!=', '<', '<=', '>', '>=', 'between', 'is empty', 'is not empty'],
  'string[]': ['contains', 'not contains', 'is empty', 'is not empty'],
};

const TYPE_NAMES: Record<FactType, MessageKey> = {
  number: 'cond.kind.number',
  string: 'cond.kind.string',
  boolean: 'cond.typeName.boolean',
  date: 'cond.typeName.date',
  'string[]': 'cond.kind.string',
};

/**
 * Text or JSON -> a checked tree. A string is the text form, unless it starts with `{` (JSON pasted
 * into a CLI flag or a config value); anything else is a tree, validated with the `Condition` schema.
 */
export function compileCondition(input: unknown, catalogue: Catalogue): Condition {
  if (typeof input === 'string' && input.trimStart().startsWith('{')) {
    let tree: unknown;
    try {
      tree = JSON.parse(input);
    } catch (error) {
      throw new ConditionError(msg('cond.badJson', { detail: (error as Error).message }));
    }
    return checkCondition(tree, catalogue);
  }
  return checkCondition(typeof input === 'string' ? parseCondition(input) : input, catalogue);
}

/**
 * Validates the tree's shape with the `Condition` schema, then its facts, operators and values
 * against the catalogue. Returns the same tree (so positions recorded by the parser still apply).
 */
export function checkCondition(c: unknown, catalogue: Catalogue): Condition {
  assertShallow(c, 0);
  const parsed = Condition.safeParse(c);
  if (!parsed.success) throw issueToError(parsed.error.issues[0], c, []);
  const tree = c as Condition;
  checkNode(tree, '', 1, catalogue);
  return tree;
}

// --- shape errors -------------------------------------------------------------------------------------

// A condition nests an object and an array per level; anything deeper than this cannot be a valid
// tree, and stopping here keeps zod's recursion (and a cyclic object) away from the stack limit.
const MAX_JSON_DEPTH = 2 * MAX_DEPTH + 2;

function assertShallow(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_JSON_DEPTH) {
    throw new ConditionError(msg('cond.nested', { max: String(MAX_DEPTH) }));
  }
  for (const child of Object.values(value)) assertShallow(child, depth + 1);
}

// The options of the `Condition` union, in the order condition.ts lists them.
const BRANCH = { and: 0, or: 1, not: 2, percentile: 3, fact: 4, op: 4 } as const;

/**
 * zod reports a node that matches no shape as "invalid_union" with every branch's issues. The node's
 * own keys say which shape was meant, so report that branch's first issue with its full path.
 */
function issueToError(issue: z.core.$ZodIssue, input: unknown, base: PropertyKey[]): ConditionError {
  const path = [...base, ...issue.path];
  const at = path.length > 0 ? path.join('.') : '';
  const where = at ? msg('cond.atPath', { path: at }) : msg('cond.atTop');
  const node = valueAt(input, path);
  if (issue.code === 'invalid_union') {
    if (issue.discriminator === 'op') {
      const problem =
        node === undefined
          ? msg('cond.opMissing', { where, ops: OPERATOR_LIST })
          : typeof node === 'string'
            ? msg('cond.opUnknown', { op: node, where, ops: OPERATOR_LIST })
            : msg('cond.opNotString', { where, ops: OPERATOR_LIST });
      return new ConditionError(problem, { path: at });
    }
    if (isConditionPlace(path)) {
      const branch = branchOf(node);
      const first = branch === undefined ? undefined : issue.errors[branch]?.[0];
      if (first) return issueToError(first, input, path);
      return new ConditionError(msg('cond.expectedCondition', { where }), { path: at });
    }
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return new ConditionError(
      msg(issue.keys.length > 1 ? 'cond.unexpectedKeys' : 'cond.unexpectedKey', { keys, where }),
      { path: at },
    );
  }
  return new ConditionError(msg('cond.invalid', { where, detail: issue.message }), { path: at });
}

const OPERATOR_LIST =
  '=, !=, <, <=, >, >=, in, not in, between, is empty, is not empty, contains, not contains, changed by';

/** The root, an item of `and`/`or`, or the operand of `not`: places where a whole condition goes. */
function isConditionPlace(path: PropertyKey[]): boolean {
  const last = path.at(-1);
  const parent = path.at(-2);
  return (
    path.length === 0 || last === 'not' || (typeof last === 'number' && (parent === 'and' || parent === 'or'))
  );
}

function branchOf(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  for (const [key, branch] of Object.entries(BRANCH)) if (Object.hasOwn(node, key)) return branch;
  return undefined;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

// --- catalogue checks ---------------------------------------------------------------------------------

const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

function checkNode(node: Condition, path: string, depth: number, catalogue: Catalogue): void {
  if (depth > MAX_DEPTH) {
    throw new ConditionError(msg('cond.nestedAt', { max: String(MAX_DEPTH), path }), { path });
  }
  if ('and' in node || 'or' in node) {
    const [items, word] = 'and' in node ? [node.and, 'and'] : [node.or, 'or'];
    const itemsPath = join(path, word);
    if (items.length === 0) {
      throw new ConditionError(msg('cond.emptyGroupAt', { word, path: itemsPath }), {
        path: itemsPath,
      });
    }
    items.forEach((item, i) => {
      checkNode(item, join(itemsPath, i), depth + 1, catalogue);
    });
  } else if ('not' in node) {
    checkNode(node.not, join(path, 'not'), depth + 1, catalogue);
  } else if ('percentile' in node) {
    const fail = failer(node, path);
    const def = lookUp(node.percentile, catalogue, fail, 'percentile');
    if (def.type !== 'number') {
      fail(msg('cond.percentileNeedsNumber', { key: def.key, kind: describeType(def.type) }), 'percentile');
    }
    if (!(node.value >= 0 && node.value <= 100)) {
      fail(msg('cond.percentileRange', { value: String(node.value), key: def.key }), 'value');
    }
  } else {
    checkComparison(node, path, catalogue);
  }
}

type Fail = (message: Message, field: string, hint?: Param) => never;

/** Errors about one node point at its fact token when it came from text, else at the field's path. */
function failer(node: Condition, path: string): Fail {
  const position = sourcePositionOf(node);
  return (message, field, hint) => {
    const fieldPath = join(path, field);
    const where = position ? atPosition(position) : fieldPath;
    throw new ConditionError(located(message, where, hint), {
      ...(position ? { position } : {}),
      path: fieldPath,
    });
  };
}

function lookUp(key: string, catalogue: Catalogue, fail: Fail, field: string): FactDef {
  const def = catalogue.get(key);
  if (def) return def;
  const near = closestKeys(key, [...catalogue.keys()]);
  fail(
    msg('cond.unknownFact', { key }),
    field,
    near.length > 0 ? msg('cond.hint.didYouMean', { keys: orList(near) }) : undefined,
  );
}

function checkComparison(node: Comparison, path: string, catalogue: Catalogue): void {
  const fail = failer(node, path);
  const def = lookUp(node.fact, catalogue, fail, 'fact');
  const allowed = OPS_BY_TYPE[def.type];
  if (!allowed.includes(node.op)) {
    fail(
      msg('cond.opNotForType', { op: node.op, key: def.key, kind: describeType(def.type) }),
      'op',
      msg('cond.hint.use', { what: orList(allowed) }),
    );
  }
  const checkValue = (value: unknown, field: string) => checkValueType(value, def, fail, field);
  switch (node.op) {
    case 'in':
    case 'not in':
      node.value.forEach((value, i) => {
        checkValue(value, `value.${i}`);
      });
      break;
    case 'between': {
      const [lo, hi] = node.value;
      checkValue(lo, 'value.0');
      checkValue(hi, 'value.1');
      if (lo > hi) {
        fail(
          msg('cond.emptyRange', { lo: show(lo), hi: show(hi), key: def.key }),
          'value',
          msg('cond.hint.lowerFirst'),
        );
      }
      break;
    }
    case 'contains':
    case 'not contains':
      // On a string[] fact `contains` tests membership, so the value must be one of its options;
      // on a string fact it is a substring search, where any text is fine.
      if (def.type === 'string[]') checkOption(node.value, def, fail, 'value');
      break;
    case 'is empty':
    case 'is not empty':
    case 'changed by':
      // Only the type needs checking; the schema already made `value` and `days` numbers.
      break;
    default:
      checkValue(node.value, 'value');
  }
}

function checkValueType(value: unknown, def: FactDef, fail: Fail, field: string): void {
  const ok =
    def.type === 'number'
      ? typeof value === 'number'
      : def.type === 'boolean'
        ? typeof value === 'boolean'
        : typeof value === 'string';
  if (!ok) {
    const hint =
      def.type === 'string' && typeof value === 'number'
        ? msg('cond.hint.quote', { value: String(value) })
        : undefined;
    fail(
      msg('cond.valueType', { value: show(value), key: def.key, type: msg(TYPE_NAMES[def.type]) }),
      field,
      hint,
    );
  }
  if (def.type === 'date' && !isValidDay(value as string)) {
    fail(msg('cond.valueDate', { value: show(value), key: def.key }), field, msg('cond.hint.dateForm'));
  }
  if (def.type === 'string') checkOption(value as string, def, fail, field);
}

function checkOption(value: string, def: FactDef, fail: Fail, field: string): void {
  if (def.options && !def.options.includes(value)) {
    fail(
      msg('cond.valueOption', { value: show(value), key: def.key }),
      field,
      msg('cond.hint.options', { options: def.options.join(', ') }),
    );
  }
}

function describeType(type: FactType): Message {
  return msg(type === 'string[]' ? 'cond.kind.list' : `cond.kind.${type}`);
}

function show(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…"` : text;
}

function orList(items: readonly string[]): Param {
  return items.length <= 1
    ? items.join('')
    : msg('cond.orList', { items: items.slice(0, -1).join(', '), last: items.at(-1)! });
}

// --- suggestions ----------------------------------------------------------------------------------------

/**
 * Up to three known keys a mistyped key probably meant: close by edit distance (a typo), or the full
 * key of a prefix (`health` -> `health.score`) or of a suffix (`query.mom_change`).
 */
export function closestKeys(key: string, known: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(key.length / 3));
  const scored: { key: string; score: number }[] = [];
  for (const candidate of known) {
    if (candidate.startsWith(`${key}.`) || candidate.endsWith(`.${key}`)) {
      scored.push({ key: candidate, score: 1 });
      continue;
    }
    if (Math.abs(candidate.length - key.length) > limit) continue;
    const score = editDistance(key, candidate);
    if (score <= limit) scored.push({ key: candidate, score });
  }
  scored.sort((a, b) => a.score - b.score || (a.key < b.key ? -1 : 1));
  return scored.slice(0, 3).map((s) => s.key);
}

/** Levenshtein distance, two rows at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}
