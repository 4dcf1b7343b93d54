// Account families: facts rolled up from children to parents (the whole subtree, the parent's own
// figures included), so conditions can read a group's totals: ARR, seats, active users, each
// metric's 30-day total, the worst and the ARR-weighted health, and renewals in the next 90 days.
// Computed in the evaluation batch after the state is merged (health comes from there); an account
// without children has none of them. Pure but for the definitions.
import type { FactDef } from './condition.ts';
import type { Facts } from './provider.ts';

export const FAMILY_FACT_DEFS: readonly FactDef[] = [
  {
    key: 'family.accounts',
    type: 'number',
    description: 'Family: accounts in it (this one and every descendant)',
  },
  { key: 'family.arr', type: 'number', description: 'Family: ARR of this account and its descendants' },
  { key: 'family.licensed_seats', type: 'number', description: 'Family: licensed seats, summed' },
  { key: 'family.active_users_30d', type: 'number', description: 'Family: active users (30 days), summed' },
  { key: 'family.health_worst', type: 'number', description: 'Family: the lowest health score in it' },
  {
    key: 'family.health_weighted',
    type: 'number',
    description: 'Family: health score weighted by ARR (plain mean when no account has ARR)',
  },
  { key: 'family.renewals_90d', type: 'number', description: 'Family: accounts renewing within 90 days' },
  {
    key: 'family.renewal_arr_90d',
    type: 'number',
    description: 'Family: ARR of the accounts renewing within 90 days',
  },
];
export const FAMILY_FACT_KEYS = FAMILY_FACT_DEFS.map((d) => d.key);

const METRIC_TOTAL = /^metrics\.([^.]+)\.total_30d$/;

/** The family totals of each metric the workspace defines (from the catalogue's metric facts). */
export function familyMetricDefs(defs: readonly FactDef[]): FactDef[] {
  return defs.flatMap((d) => {
    const m = METRIC_TOTAL.exec(d.key);
    return m
      ? [
          {
            key: `family.${d.key}`,
            type: 'number' as const,
            description: `Family: ${m[1]} total over 30 days, summed`,
          },
        ]
      : [];
  });
}

/** Every account id of the subtrees under `ids` (themselves included), from child -> parent links. */
export function familyClosure(
  ids: readonly string[],
  parentOf: ReadonlyMap<string, string | null>,
): string[] {
  const children = childrenMap(parentOf);
  const out = new Set<string>();
  const stack = [...ids];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    for (const c of children.get(id) ?? []) stack.push(c);
  }
  return [...out];
}

function childrenMap(parentOf: ReadonlyMap<string, string | null>): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const [id, parent] of parentOf) {
    if (!parent || parent === id) continue;
    const list = children.get(parent);
    if (list) list.push(id);
    else children.set(parent, [id]);
  }
  return children;
}

/**
 * Sets the family facts on every record (null on accounts without children) from the records of
 * the batch. Descendants missing from `facts` are left out (the batch holds every descendant of
 * the accounts it is asked about: see loadEvaluationBatch). Cycles in the links are cut.
 */
export function rollUpFamilies(facts: ReadonlyMap<string, Facts>, metricKeys: readonly string[]): void {
  const parentOf = new Map<string, string | null>();
  for (const [id, f] of facts) parentOf.set(id, typeof f.parent_id === 'string' ? f.parent_id : null);
  const children = childrenMap(parentOf);
  for (const [id, f] of facts) {
    for (const k of FAMILY_FACT_KEYS) f[k] = null;
    for (const k of metricKeys) f[`family.${k}`] = null;
    if (!children.has(id)) continue;
    const members = familyClosure([id], parentOf).filter((m) => facts.has(m));
    let arr = 0;
    let seats = 0;
    let users = 0;
    let worst: number | null = null;
    let weighted = 0;
    let weight = 0;
    let plain = 0;
    let scored = 0;
    let renewals = 0;
    let renewalArr = 0;
    const totals = new Map<string, number>(metricKeys.map((k) => [k, 0]));
    for (const m of members) {
      const r = facts.get(m)!;
      const a = num(r.arr) ?? 0;
      arr += a;
      seats += num(r.licensed_seats) ?? 0;
      users += num(r.active_users_30d) ?? 0;
      for (const k of metricKeys) totals.set(k, totals.get(k)! + (num(r[k]) ?? 0));
      const h = num(r['health.score']);
      if (h !== null) {
        worst = worst === null ? h : Math.min(worst, h);
        weighted += h * a;
        weight += a;
        plain += h;
        scored++;
      }
      const d = num(r.days_to_renewal);
      if (d !== null && d >= 0 && d <= 90) {
        renewals++;
        renewalArr += a;
      }
    }
    f['family.accounts'] = members.length;
    f['family.arr'] = arr;
    f['family.licensed_seats'] = seats;
    f['family.active_users_30d'] = users;
    f['family.health_worst'] = worst;
    f['family.health_weighted'] = scored === 0 ? null : weight > 0 ? weighted / weight : plain / scored;
    f['family.renewals_90d'] = renewals;
    f['family.renewal_arr_90d'] = renewalArr;
    for (const k of metricKeys) f[`family.${k}`] = totals.get(k)!;
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
