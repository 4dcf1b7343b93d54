// Enum values inside event texts as nested messages, so "Health status fair → danger" reads
// "健康状态 一般 → 危险" in Chinese. Built-in values (default health bands, tiers, stages) have
// catalog entries; a workspace's own keys (a custom stage) show as stored; no value reads "none".
import { CATALOG } from '../../i18n/catalog/index.ts';
import { type MessageKey, msg, type Param } from '../../i18n/index.ts';

export type ValueKind =
  | 'healthStatus'
  | 'tier'
  | 'stage'
  | 'requestStatus'
  | 'renewalOutcome'
  | 'churnReason'
  | 'billing'
  | 'renewalField';

/** Health statuses and stages read as everywhere else (names.ts); the rest have event keys. */
const SHARED_NAMES: Partial<Record<ValueKind, string>> = { healthStatus: 'health', stage: 'stage' };

/** `<names>.<value>` or `event.<kind>.<value>` when the catalog has it, else the value; null -> "none". */
export function valueParam(kind: ValueKind, value: string | null | undefined): Param {
  if (value === null || value === undefined) return msg('event.none');
  const key = `${SHARED_NAMES[kind] ?? `event.${kind}`}.${value}`;
  return key in CATALOG ? msg(key as MessageKey) : value;
}

/** Values as one parameter: "a, b, c" in English, "a、b、c" in Chinese. */
export function listParam(kind: ValueKind, values: readonly string[]): Param {
  const params = values.map((v) => valueParam(kind, v));
  if (params.length === 0) return msg('event.none');
  return params.slice(1).reduce<Param>((a, b) => msg('event.pair', { a, b }), params[0]!);
}
