// The pure half of tiering and segments: bands, tier rules and segment matching over one account's
// facts. No database: the recompute pipeline, the previews and the unit tests all call these.
import type { Condition } from '../facts/condition.ts';
import { type ConditionEnv, evaluateCondition } from '../facts/condition-eval.ts';

/**
 * Numeric bands in ascending order: every band but the last has `below`, its exclusive upper
 * edge; the last has none. So a band's lower edge is inclusive: with ARR_BANDS, 100000 is medium
 * and 1000000 is very_large, the same reading as the default scheme's `arr >= 1000000`.
 */
export type Band = { label: string; below?: number };

/** The label of the band `value` falls in; null when the value is missing or not a finite number. */
export function bandLabel(value: unknown, bands: readonly Band[]): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  for (const band of bands) if (band.below === undefined || value < band.below) return band.label;
  return null;
}

/** A part of a composite label: a fact's own value, or the band its number falls in. */
export type CompositePart = string | { fact: string; bands: Band[] };

/**
 * A tier rule either names its tier (`{ tier, when }`) or builds it from the account's values
 * (`{ composite: ['region', 'industry', { fact: 'arr', bands }] }` -> `华东/制造/large`). A
 * composite rule's `when` is optional (absent: every account). When a part is missing the rule
 * uses `missing` in its place if it sets one, else it does not match and the next rule is tried.
 */
export type TierRule =
  | { tier: string; when: Condition }
  | { composite: CompositePart[]; when?: Condition; missing?: string };

export type TieringRules = { rules: readonly TierRule[]; defaultTier: string };

/** Separates the parts of a composite label. */
export const COMPOSITE_SEPARATOR = '/';

/** A composite rule's label for these facts, or null when a part is missing and `missing` is unset. */
export function compositeLabel(
  parts: readonly CompositePart[],
  facts: Readonly<Record<string, unknown>>,
  missing?: string,
): string | null {
  const labels: string[] = [];
  for (const part of parts) {
    const key = typeof part === 'string' ? part : part.fact;
    const value = Object.hasOwn(facts, key) ? facts[key] : undefined;
    const label = typeof part === 'string' ? scalarLabel(value) : bandLabel(value, part.bands);
    if (label === null) {
      if (missing === undefined) return null;
      labels.push(missing);
    } else labels.push(label);
  }
  return labels.join(COMPOSITE_SEPARATOR);
}

function scalarLabel(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return String(value);
  return null;
}

/** Rules are tried in order and the first that matches decides; no match gives the default tier. */
export function assignTier(
  scheme: TieringRules,
  facts: Readonly<Record<string, unknown>>,
  env?: ConditionEnv,
): string {
  for (const rule of scheme.rules) {
    if (rule.when && !evaluateCondition(rule.when, facts, env)) continue;
    if ('tier' in rule) return rule.tier;
    const label = compositeLabel(rule.composite, facts, rule.missing);
    if (label !== null) return label;
  }
  return scheme.defaultTier;
}

/**
 * Every tier a scheme can assign, in rule order then the default; null when a composite rule
 * makes the set open-ended.
 */
export function schemeTiers(scheme: TieringRules): string[] | null {
  const tiers: string[] = [];
  for (const rule of scheme.rules) {
    if (!('tier' in rule)) return null;
    if (!tiers.includes(rule.tier)) tiers.push(rule.tier);
  }
  if (!tiers.includes(scheme.defaultTier)) tiers.push(scheme.defaultTier);
  return tiers;
}

export type SegmentRule = { key: string; condition: Condition };

/** The keys of the segments whose condition the facts satisfy, in the order given. */
export function evaluateSegments(
  segments: readonly SegmentRule[],
  facts: Readonly<Record<string, unknown>>,
  env?: ConditionEnv,
): string[] {
  return segments.filter((s) => evaluateCondition(s.condition, facts, env)).map((s) => s.key);
}

/**
 * Rules that put a number fact into bands, highest band first (`arr >= 1000000` -> very_large...),
 * with the lowest band as the default: the same edges as `bandLabel`, written as conditions a
 * person can read and edit.
 */
export function bandRules(fact: string, bands: readonly Band[]): TieringRules {
  const rules: TierRule[] = [];
  for (let i = bands.length - 1; i > 0; i--) {
    const floor = bands[i - 1]!.below!;
    rules.push({ tier: bands[i]!.label, when: { fact, op: '>=', value: floor } });
  }
  return { rules, defaultTier: bands[0]!.label };
}

/** Code-point order: the same on every machine and engine, unlike localeCompare. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
