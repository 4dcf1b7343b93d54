import type { TieringScheme } from '../../api/types.ts';

/** The tiers a scheme can assign, in rule order, then its default. */
export function tiersOf(scheme: TieringScheme): string[] {
  const out: string[] = [];
  for (const r of scheme.rules) if (r.tier && !out.includes(r.tier)) out.push(r.tier);
  if (!out.includes(scheme.defaultTier)) out.push(scheme.defaultTier);
  return out;
}
