// Did acting help? For each rule and playbook: the accounts it acted on, and how their health
// moved over the next 30 and 90 days (stored daily snapshots) against similar accounts it did not
// act on — same tier that day, starting score within `band` points — a matched comparison, so a
// rule that picks sick accounts is not blamed for their being sick.
import type { Ctx } from '../../context.ts';
import { addDays, today } from '../../time.ts';
import { readableAccount } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import { scoredSnapshotsSince } from '../health/index.ts';
import { stateChangesBetween } from '../state/index.ts';
import { EffectivenessQuery, type EffectivenessRow } from './automation.schemas.ts';

const HORIZONS = [30, 90] as const;
/** A snapshot this many days either side of the wanted day stands in for it (weekly backfills). */
const TOLERANCE = 3;

type Series = { days: string[]; scores: number[] };

function scoreNear(s: Series | undefined, day: string): number | undefined {
  if (!s) return undefined;
  let best: number | undefined;
  let bestGap = Number.POSITIVE_INFINITY;
  for (let i = 0; i < s.days.length; i++) {
    const gap = Math.abs(Date.parse(s.days[i]!) - Date.parse(day)) / 86_400_000;
    if (gap <= TOLERANCE && gap < bestGap) {
      best = s.scores[i];
      bestGap = gap;
    }
  }
  return best;
}

const mean = (xs: number[]) =>
  xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null;

export async function getEffectiveness({ ctx, input }: { ctx: Ctx; input: EffectivenessQuery }) {
  await authorize(ctx, 'read');
  const q = EffectivenessQuery.parse(input);
  const ws = ctx.workspace.id;
  const end = today(ctx);
  const from = q.from ?? addDays(end, -180);

  const acted = await ctx.db
    .selectFrom('automation_actions')
    .select(['rule_id', 'account_id', 'day'])
    .where('workspace_id', '=', ws)
    .where('status', '=', 'done')
    .where('day', '>=', from)
    // Acted-on accounts the caller may read; the comparison pools stay workspace-wide means.
    .where(readableAccount(ctx, 'automation_actions.account_id'))
    .groupBy(['rule_id', 'account_id', 'day'])
    .execute();
  // Playbook plays (`<playbook id>#<play>`) count under their playbook.
  const ownerOf = (ruleId: string) => ruleId.split('#')[0]!;
  const byOwner = new Map<string, { account: string; day: string }[]>();
  for (const a of acted) {
    const key = ownerOf(a.rule_id);
    let list = byOwner.get(key);
    if (!list) {
      list = [];
      byOwner.set(key, list);
    }
    list.push({ account: a.account_id, day: a.day });
  }

  const rules = await ctx.db
    .selectFrom('automation_rules')
    .select(['id', 'name'])
    .where('workspace_id', '=', ws)
    .execute();
  const playbooks = await ctx.db
    .selectFrom('playbooks')
    .select(['id', 'name'])
    .where('workspace_id', '=', ws)
    .execute();
  const names = new Map<string, { name: string; source: 'rule' | 'playbook' }>([
    ...rules.map((r) => [r.id, { name: r.name, source: 'rule' as const }] as const),
    ...playbooks.map((p) => [p.id, { name: p.name, source: 'playbook' as const }] as const),
  ]);

  // Snapshots from the first action day to the last horizon: the report reads at most ~270 days.
  const snapshots = await scoredSnapshotsSince(ctx, addDays(from, -TOLERANCE));
  const series = new Map<string, Series>();
  const snapshotDays = new Set<string>();
  for (const s of snapshots) {
    let x = series.get(s.accountId);
    if (!x) {
      x = { days: [], scores: [] };
      series.set(s.accountId, x);
    }
    x.days.push(s.day);
    x.scores.push(s.score);
    snapshotDays.add(s.day);
  }
  const tierChanges = await stateChangesBetween(ctx, { kinds: ['tier'] });
  const tiers = new Map<string, { day: string; tier: string | null }[]>();
  for (const t of tierChanges) {
    let list = tiers.get(t.accountId);
    if (!list) {
      list = [];
      tiers.set(t.accountId, list);
    }
    list.push({ day: t.day, tier: t.to });
  }
  const tierAt = (account: string, day: string) => {
    let tier: string | null = null;
    for (const c of tiers.get(account) ?? []) {
      if (c.day > day) break;
      tier = c.tier;
    }
    return tier;
  };

  // Per start day: every account's (tier, start score, score after each horizon), built once, by
  // account and by tier (peers are looked up within the tier only).
  type Entry = { account: string; tier: string | null; s0: number; after: (number | undefined)[] };
  const cohorts = new Map<string, { byAccount: Map<string, Entry>; byTier: Map<string | null, Entry[]> }>();
  const cohort = (day: string) => {
    let c = cohorts.get(day);
    if (c) return c;
    c = { byAccount: new Map(), byTier: new Map() };
    for (const [account, s] of series) {
      const s0 = scoreNear(s, day);
      if (s0 === undefined) continue;
      const e: Entry = {
        account,
        tier: tierAt(account, day),
        s0,
        after: HORIZONS.map((h) => scoreNear(s, addDays(day, h))),
      };
      c.byAccount.set(account, e);
      let list = c.byTier.get(e.tier);
      if (!list) {
        list = [];
        c.byTier.set(e.tier, list);
      }
      list.push(e);
    }
    cohorts.set(day, c);
    return c;
  };

  const out: EffectivenessRow[] = [];
  for (const [owner, events] of byOwner) {
    const named = names.get(owner);
    if (!named) continue;
    const touched = new Map<string, string[]>();
    for (const e of events) touched.set(e.account, [...(touched.get(e.account) ?? []), e.day]);
    const row: EffectivenessRow = {
      ruleId: owner,
      source: named.source,
      name: named.name,
      accounts: touched.size,
      actions: events.length,
      after30: { n: 0, acted: null, control: null, controlN: 0, lift: null },
      after90: { n: 0, acted: null, control: null, controlN: 0, lift: null },
    };
    HORIZONS.forEach((h, hi) => {
      const actedDeltas: number[] = [];
      const controlMeans: number[] = [];
      let controlN = 0;
      for (const e of events) {
        if (addDays(e.day, h) > end) continue;
        const c = cohort(e.day);
        const me = c.byAccount.get(e.account);
        const s1 = me?.after[hi];
        if (!me || s1 === undefined) continue;
        actedDeltas.push(s1 - me.s0);
        const peers: number[] = [];
        for (const x of c.byTier.get(me.tier) ?? []) {
          if (x.account === e.account || Math.abs(x.s0 - me.s0) > q.band) continue;
          const after = x.after[hi];
          if (after === undefined) continue;
          // Not acted on by this rule or playbook within the horizon either side.
          const days = touched.get(x.account);
          if (days?.some((d) => Math.abs(Date.parse(d) - Date.parse(e.day)) <= h * 86_400_000)) continue;
          peers.push(after - x.s0);
        }
        if (peers.length) {
          controlMeans.push(peers.reduce((a, b) => a + b, 0) / peers.length);
          controlN += peers.length;
        }
      }
      const a = mean(actedDeltas);
      const ctl = mean(controlMeans);
      row[hi === 0 ? 'after30' : 'after90'] = {
        n: actedDeltas.length,
        acted: a,
        control: ctl,
        controlN,
        lift: a === null || ctl === null ? null : Math.round((a - ctl) * 100) / 100,
      };
    });
    out.push(row);
  }
  out.sort((x, y) => y.actions - x.actions || (x.name < y.name ? -1 : 1));
  return { from, items: out, nextCursor: null };
}
