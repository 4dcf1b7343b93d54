import type { TieringScheme } from '../../api/types.ts';
import { quote } from '../../format.ts';

/** Joins conditions of the condition language with `and`, skipping empty ones. */
export function and(...parts: (string | undefined | null | false)[]): string | undefined {
  const kept = parts.filter((p): p is string => !!p && p.trim() !== '');
  if (!kept.length) return undefined;
  return kept.length === 1 ? kept[0] : kept.map((p) => `(${p})`).join(' and ');
}

/** The tiers a scheme can assign, in rule order, then its default. */
export function tiersOf(scheme: TieringScheme): string[] {
  const out: string[] = [];
  for (const r of scheme.rules) if (r.tier && !out.includes(r.tier)) out.push(r.tier);
  if (!out.includes(scheme.defaultTier)) out.push(scheme.defaultTier);
  return out;
}

/** Filters of the list that only account facts answer (tier, stage, health, segment, any fact). */
export interface FactFilters {
  health?: string;
  tier?: string;
  stage?: string;
  segment?: string;
  where?: string;
}

export function factCondition(f: FactFilters, ownerId?: string): string | undefined {
  const facts = and(
    f.health && `health.status = ${quote(f.health)}`,
    f.tier && `tier = ${quote(f.tier)}`,
    f.stage && `stage = ${quote(f.stage)}`,
    f.segment && `segments contains ${quote(f.segment)}`,
    f.where,
  );
  return facts ? and(ownerId && `owner_id = ${quote(ownerId)}`, facts) : undefined;
}
