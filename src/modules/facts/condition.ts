// The condition language's data model: one JSON tree that segments, tier rules, lifecycle stages,
// health-model selection and automation all store, the zod schema the API validates it with, and
// the one error type every stage (parse, check, compile) throws. The text form lives in
// condition-text.ts, the type check in condition-check.ts, evaluation in condition-eval.ts; they
// are separate files so that none of them imports another in a cycle.
import { z } from 'zod';
import { type Message, msg, type Param, render } from '../../i18n/index.ts';

export type FactType = 'number' | 'string' | 'boolean' | 'date' | 'string[]';
/** What the catalogue says about one fact; dates are 'YYYY-MM-DD' strings. */
export type FactDef = { key: string; type: FactType; description: string; options?: readonly string[] };
export type Catalogue = ReadonlyMap<string, FactDef>;

export const COMPARE_OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];
export const LIST_OPS = ['in', 'not in'] as const;
export type ListOp = (typeof LIST_OPS)[number];
export const EMPTY_OPS = ['is empty', 'is not empty'] as const;
export type EmptyOp = (typeof EMPTY_OPS)[number];
export const CONTAINS_OPS = ['contains', 'not contains'] as const;
export type ContainsOp = (typeof CONTAINS_OPS)[number];
/** Orderings only: "changed by exactly 3" or "exactly the 10th percentile" are never what anyone means. */
export const CMP_OPS = ['<', '<=', '>', '>='] as const;
export type Cmp = (typeof CMP_OPS)[number];
export const WITHIN = ['all', 'tier'] as const;
export type Within = (typeof WITHIN)[number];

export const FACT_OPS = [
  ...COMPARE_OPS,
  ...LIST_OPS,
  'between',
  ...EMPTY_OPS,
  ...CONTAINS_OPS,
  'changed by',
] as const;
export type FactOp = (typeof FACT_OPS)[number];

export type Comparison =
  | { fact: string; op: CompareOp; value: number | string | boolean }
  | { fact: string; op: ListOp; value: (string | number)[] }
  | { fact: string; op: 'between'; value: [number | string, number | string] }
  | { fact: string; op: EmptyOp }
  | { fact: string; op: ContainsOp; value: string }
  | { fact: string; op: 'changed by'; cmp: Cmp; value: number; days: number; relative?: boolean };
export type PercentileCondition = { percentile: string; within: Within; cmp: Cmp; value: number };
export type Condition =
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition }
  | Comparison
  | PercentileCondition;

/** Lower-case dotted identifiers, so the text form never needs to quote a fact key. */
export const FACT_KEY_PATTERN = /^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$/;
export const MAX_FACT_KEY_LENGTH = 200;
/**
 * Words the text form reads as keywords. A fact may not be named exactly one of them (a dotted key
 * such as `metrics.in.total` is fine), otherwise `conditionToText` could write text that reads back
 * as something else.
 */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'and',
  'or',
  'not',
  'in',
  'between',
  'is',
  'empty',
  'contains',
  'changed',
  'by',
  'percentile',
  'within',
  'true',
  'false',
]);
/**
 * Conditions are written by people; anything nested deeper than this is a generator gone wrong,
 * and a bound keeps every recursive walk (parse, check, zod, evaluate) far from the stack limit.
 */
export const MAX_DEPTH = 32;
/** Ten years of daily history is more than any workspace keeps; a bigger window is a typo. */
export const MAX_CHANGE_DAYS = 3660;

export type SourcePosition = { offset: number; line: number; column: number };

export class ConditionError extends Error {
  /** Where in the text the problem is (only for conditions that came from text). */
  readonly position?: SourcePosition;
  /** Where in the JSON tree the problem is, e.g. `and.1.value`. */
  readonly path?: string;

  /** The message as a key and parameters, rendered in the reader's locale (`message` is English). */
  readonly text: Message;

  constructor(message: Message, where: { position?: SourcePosition; path?: string } = {}) {
    super(render('en', message));
    this.text = message;
    this.name = 'ConditionError';
    if (where.position) this.position = where.position;
    if (where.path !== undefined) this.path = where.path;
  }
}

/** "line 3, column 7" (numbers as written, without grouping). */
export const atPosition = (p: SourcePosition): Message =>
  msg('cond.lineColumn', { line: String(p.line), column: String(p.column) });

/** A message with where it happened and, when there is one, a hint: "… at line 1, column 5 (use =)". */
export const located = (message: Message, where: Param, hint?: Param): Message =>
  hint === undefined ? msg('cond.at', { message, where }) : msg('cond.atHint', { message, where, hint });

// Positions of the fact token of each comparison parsed from text. A WeakMap rather than a property
// keeps the tree plain JSON (deep-equal to the same condition built by hand or sent to the API) and
// lets the positions disappear with the tree.
const sourcePositions = new WeakMap<object, SourcePosition>();

export function recordSourcePosition(node: object, position: SourcePosition): void {
  sourcePositions.set(node, position);
}

export function sourcePositionOf(node: unknown): SourcePosition | undefined {
  return typeof node === 'object' && node !== null ? sourcePositions.get(node) : undefined;
}

const FactKey = z
  .string({ error: 'must be a fact key (a string)' })
  .max(MAX_FACT_KEY_LENGTH, `must be at most ${MAX_FACT_KEY_LENGTH} characters`)
  .regex(FACT_KEY_PATTERN, 'must be a lower-case dotted key such as metrics.query.total_30d')
  .refine((key) => !KEYWORDS.has(key), 'cannot be a keyword of the condition language');
const Scalar = z.union([z.number(), z.string(), z.boolean()], {
  error: 'must be a number, a string or a boolean',
});
const ListItem = z.union([z.string(), z.number()], { error: 'must be a string or a number' });
const CmpSchema = z.enum(CMP_OPS);

// The leaf shapes are told apart by `op`, so a bad leaf reports the field that is wrong rather than
// "matches none of eleven shapes".
const ComparisonSchema = z.discriminatedUnion('op', [
  z.strictObject({ fact: FactKey, op: z.enum(COMPARE_OPS), value: Scalar }),
  z.strictObject({
    fact: FactKey,
    op: z.enum(LIST_OPS),
    value: z.array(ListItem).min(1, 'must list at least one value'),
  }),
  z.strictObject({ fact: FactKey, op: z.literal('between'), value: z.tuple([ListItem, ListItem]) }),
  z.strictObject({ fact: FactKey, op: z.enum(EMPTY_OPS) }),
  z.strictObject({ fact: FactKey, op: z.enum(CONTAINS_OPS), value: z.string() }),
  z.strictObject({
    fact: FactKey,
    op: z.literal('changed by'),
    cmp: CmpSchema,
    value: z.number(),
    days: z.int().min(1).max(MAX_CHANGE_DAYS),
    relative: z.boolean().optional(),
  }),
]);

/**
 * The order of these options is relied on by condition-check.ts (`BRANCH`) to pick which branch's
 * issues to report when a node matches none.
 */
export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ and: z.array(Condition).min(1, 'needs at least one condition') }),
    z.strictObject({ or: z.array(Condition).min(1, 'needs at least one condition') }),
    z.strictObject({ not: Condition }),
    z.strictObject({ percentile: FactKey, within: z.enum(WITHIN), cmp: CmpSchema, value: z.number() }),
    ComparisonSchema,
  ]),
);

/** The facts a condition reads, in order of first mention: what a change must invalidate. */
export function conditionFacts(c: Condition): string[] {
  const seen = new Set<string>();
  const walk = (node: Condition): void => {
    if ('and' in node) node.and.forEach(walk);
    else if ('or' in node) node.or.forEach(walk);
    else if ('not' in node) walk(node.not);
    else if ('percentile' in node) seen.add(node.percentile);
    else seen.add(node.fact);
  };
  walk(c);
  return [...seen];
}
