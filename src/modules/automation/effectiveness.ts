// Did acting help? For each rule and playbook: the accounts it acted on, and how their health moved
// over the next 30 and 90 days (stored daily snapshots), against the fair control: accounts that
// were eligible for the same rule in the same run (its trigger and condition matched them that day)
// with the same tier, stage and score band, and were not acted on, because of the rule's random
// hold-out, its cooldown or its per-run limit. Each run records both sides (automation_eligible,
// written by the engine). The maths is in effect-maths.ts.
import type { Ctx } from '../../context.ts';
import { addDays, nowIso, today } from '../../time.ts';
import { readableAccount } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import { scoredSnapshotsSince } from '../health/index.ts';
import { dropSnapshots, forEveryReader, keepSnapshot, readSnapshot } from '../snapshots/index.ts';
import { EffectivenessQuery, type EffectivenessRow } from './automation.schemas.ts';
import { type ControlReason, computeLift, type Observation, stratumKey } from './effect-maths.ts';

const HORIZONS = [30, 90] as const;
/** A snapshot this many days either side of the wanted day stands in for it (weekly backfills). */
const TOLERANCE = 3;

/** An account's scores by day. */
type Series = Map<string, number>;

/** The score on `day`, else the nearest within TOLERANCE days (the earlier of two as near). */
function scoreNear(s: Series | undefined, day: string): number | undefined {
  if (!s) return undefined;
  const exact = s.get(day);
  if (exact !== undefined) return exact;
  for (let gap = 1; gap <= TOLERANCE; gap++) {
    const score = s.get(addDays(day, -gap)) ?? s.get(addDays(day, gap));
    if (score !== undefined) return score;
  }
  return undefined;
}

/** Playbook plays (`<playbook id>#<play>`) count under their playbook. */
const ownerOf = (ruleId: string) => ruleId.split('#')[0]!;

type Effectiveness = { from: string; items: EffectivenessRow[]; nextCursor: null };

/**
 * The report as kept after the last recompute (snapshots), else computed now; `computedAt` says
 * when. Kept answers go when a full recompute, a rule or playbook run, or an edit of either
 * changes what it reads (the engine, rules.ts, playbooks.ts and the recompute call dropSnapshots).
 */
export async function getEffectiveness({ ctx, input }: { ctx: Ctx; input: EffectivenessQuery }) {
  await authorize(ctx, 'read');
  const q = EffectivenessQuery.parse(input);
  const kept = await readSnapshot<Effectiveness>(ctx, EFFECTIVENESS, q);
  if (kept) return { ...kept.body, computedAt: kept.computedAt };
  const computedAt = nowIso(ctx);
  return { ...(await computeEffectiveness(ctx, q)), computedAt };
}

/** The snapshot name of this report. */
export const EFFECTIVENESS = 'effectiveness';

/** What the kept report reads changed (a run's eligible accounts and actions, a rule's or playbook's name or hold-out). */
export const dropKeptEffect = (ctx: Ctx) => dropSnapshots(ctx, [EFFECTIVENESS]);

/**
 * After a full recompute of today and its rules: the default report for readers of every account
 * (whoever ran the recompute).
 */
export async function keepEffectiveness(ctx: Ctx): Promise<void> {
  const q = EffectivenessQuery.parse({});
  const everyAccount = forEveryReader(ctx);
  await keepSnapshot(everyAccount, EFFECTIVENESS, q, () => computeEffectiveness(everyAccount, q));
}

async function computeEffectiveness(ctx: Ctx, q: EffectivenessQuery): Promise<Effectiveness> {
  const ws = ctx.workspace.id;
  const end = today(ctx);
  const from = q.from ?? addDays(end, -180);

  // Counts of what was done (every action since `from`, also before runs recorded their control).
  const acted = await ctx.db
    .selectFrom('automation_actions')
    .select(['rule_id', 'account_id', 'day'])
    .where('workspace_id', '=', ws)
    .where('status', '=', 'done')
    .where('day', '>=', from)
    // Acted-on accounts the caller may read; the control stays workspace-wide (only means leave).
    .where(readableAccount(ctx, 'automation_actions.account_id'))
    .groupBy(['rule_id', 'account_id', 'day'])
    .execute();
  const counts = new Map<string, { accounts: Set<string>; actions: number }>();
  for (const a of acted) {
    const key = ownerOf(a.rule_id);
    let c = counts.get(key);
    if (!c) {
      c = { accounts: new Set(), actions: 0 };
      counts.set(key, c);
    }
    c.accounts.add(a.account_id);
    c.actions++;
  }

  // Both sides of every run since `from`: acted-on rows the caller may read, and the controls.
  const eligibleColumns = [
    'run_id',
    'rule_id',
    'account_id',
    'day',
    'outcome',
    'tier',
    'stage',
    'score',
  ] as const;
  const actedRows = await ctx.db
    .selectFrom('automation_eligible')
    .select(eligibleColumns)
    .where('workspace_id', '=', ws)
    .where('day', '>=', from)
    .where('outcome', '=', 'act')
    .where(readableAccount(ctx, 'automation_eligible.account_id'))
    .execute();
  const controlRows = await ctx.db
    .selectFrom('automation_eligible')
    .select(eligibleColumns)
    .where('workspace_id', '=', ws)
    .where('day', '>=', from)
    .where('outcome', '!=', 'act')
    .execute();

  const rules = await ctx.db
    .selectFrom('automation_rules')
    .select(['id', 'name', 'holdout_pct'])
    .where('workspace_id', '=', ws)
    .execute();
  const playbooks = await ctx.db
    .selectFrom('playbooks')
    .select(['id', 'name', 'holdout_pct'])
    .where('workspace_id', '=', ws)
    .execute();
  const names = new Map<string, { name: string; source: 'rule' | 'playbook'; holdoutPct: number }>([
    ...rules.map(
      (r) => [r.id, { name: r.name, source: 'rule' as const, holdoutPct: Number(r.holdout_pct) }] as const,
    ),
    ...playbooks.map(
      (p) =>
        [p.id, { name: p.name, source: 'playbook' as const, holdoutPct: Number(p.holdout_pct) }] as const,
    ),
  ]);

  const snapshots = await scoredSnapshotsSince(ctx, addDays(from, -TOLERANCE));
  const series = new Map<string, Series>();
  for (const s of snapshots) {
    let x = series.get(s.accountId);
    if (!x) {
      x = new Map();
      series.set(s.accountId, x);
    }
    x.set(s.day, s.score);
  }

  // The days each owner acted on each account (every account: this only filters the control): a
  // control acted on by the same rule or playbook within the horizon before its run still carries
  // that action's effect, so it is left out. Only the past is looked at: dropping controls acted
  // on later would select on what happened next.
  const everyAction = await ctx.db
    .selectFrom('automation_actions')
    .select(['rule_id', 'account_id', 'day'])
    .where('workspace_id', '=', ws)
    .where('status', '!=', 'failed')
    .where('day', '>=', addDays(from, -HORIZONS[HORIZONS.length - 1]!))
    .groupBy(['rule_id', 'account_id', 'day'])
    .execute();
  const actedDays = new Map<string, string[]>();
  for (const r of everyAction) {
    const key = `${ownerOf(r.rule_id)}\u0000${r.account_id}`;
    const list = actedDays.get(key);
    if (list) list.push(r.day);
    else actedDays.set(key, [r.day]);
  }
  const actedWithin = (owner: string, account: string, day: string, h: number) => {
    const from = addDays(day, -h);
    return (actedDays.get(`${owner}\u0000${account}`) ?? []).some((d) => d >= from && d < day);
  };

  const byOwner = new Map<string, (typeof actedRows)[number][]>();
  for (const r of [...actedRows, ...controlRows]) {
    const key = ownerOf(r.rule_id);
    const list = byOwner.get(key);
    if (list) list.push(r);
    else byOwner.set(key, [r]);
  }

  const out: EffectivenessRow[] = [];
  for (const owner of new Set([...counts.keys(), ...byOwner.keys()])) {
    const named = names.get(owner);
    const count = counts.get(owner);
    if (!named || !count) continue;
    const rows = byOwner.get(owner) ?? [];
    const outcomes = HORIZONS.map((h) => {
      const obs: Observation[] = [];
      for (const r of rows) {
        if (addDays(r.day, h) > end) continue;
        const s = series.get(r.account_id);
        const s0 = scoreNear(s, r.day);
        const s1 = scoreNear(s, addDays(r.day, h));
        if (s0 === undefined || s1 === undefined) continue;
        if (r.outcome !== 'act' && actedWithin(owner, r.account_id, r.day, h)) continue;
        const score = r.score === null ? s0 : Number(r.score);
        obs.push({
          account: r.account_id,
          stratum: stratumKey(r.run_id, r.tier, r.stage, score, q.band),
          outcome: r.outcome as 'act' | ControlReason,
          change: s1 - s0,
        });
      }
      return computeLift(obs);
    });
    out.push({
      ruleId: owner,
      source: named.source,
      name: named.name,
      holdoutPct: named.holdoutPct,
      accounts: count.accounts.size,
      actions: count.actions,
      after30: outcomes[0]!,
      after90: outcomes[1]!,
    });
  }
  out.sort((x, y) => y.actions - x.actions || (x.name < y.name ? -1 : 1));
  return { from, items: out, nextCursor: null };
}
