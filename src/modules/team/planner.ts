import type { Ctx } from '../../context.ts';
import { today } from '../../time.ts';
import { authorize } from '../auth/index.ts';
import { loadActiveScheme, previewTieringScheme, schemeTiers } from '../segments/index.ts';
import { accountCost, meanArrByTier, planHeadcount } from './capacity.ts';
import { capacityModel, loadTeamSettings } from './settings.ts';
import { type Capacity, CapacityQuery, type TeamSettings, WhatIf } from './team.schemas.ts';
import { type BookAccount, loadBook, loadTeam, type Team } from './workload.ts';

const NO_TIER = 'unassigned';
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Tiers in the active scheme's order, then any other label alphabetically. */
async function tierOrder(ctx: Ctx, labels: Iterable<string>): Promise<string[]> {
  const scheme = await loadActiveScheme(ctx);
  const known = (scheme ? schemeTiers(scheme) : null) ?? [];
  const rest = [...new Set(labels)].filter((t) => !known.includes(t)).sort();
  return [...known, ...rest];
}

/**
 * Today's team as the planner sees it: each active group member's capacity factor split over
 * tiers in proportion to the load of the accounts they own (a CSM with half their load in
 * strategic accounts is half a strategic CSM); members without accounts are unallocated.
 */
function currentTeam(book: readonly BookAccount[], team: Team, settings: TeamSettings) {
  const model = capacityModel(settings);
  const means = meanArrByTier(book);
  const members = team.members.filter((m) => team.users.get(m.userId)?.active);
  const memberIds = new Set(members.map((m) => m.userId));
  const loadByTier = new Map<string, Map<string, number>>();
  let unowned = 0;
  for (const a of book) {
    const ownerActive = a.ownerId !== null && team.users.get(a.ownerId)?.active;
    if (!ownerActive) unowned++;
    if (!a.ownerId || !memberIds.has(a.ownerId)) continue;
    const mine = loadByTier.get(a.ownerId) ?? new Map<string, number>();
    const tier = a.tier ?? NO_TIER;
    mine.set(tier, (mine.get(tier) ?? 0) + accountCost(model, a.tier, a.arr, means));
    loadByTier.set(a.ownerId, mine);
  }
  const perTier: Record<string, number> = {};
  let fte = 0;
  let unallocated = 0;
  let load = 0;
  for (const m of members) {
    fte += m.capacityFactor;
    const mine = loadByTier.get(m.userId);
    const total = mine ? [...mine.values()].reduce((s, x) => s + x, 0) : 0;
    load += total;
    if (!mine || total <= 0) {
      unallocated += m.capacityFactor;
      continue;
    }
    for (const [tier, x] of mine) perTier[tier] = (perTier[tier] ?? 0) + (m.capacityFactor * x) / total;
  }
  return {
    perTier,
    team: {
      activeCsms: members.length,
      fte: round2(fte),
      unallocatedFte: round2(unallocated),
      groups: team.groups.length,
      unownedAccounts: unowned,
      capacityUsed: fte > 0 ? round2(load / fte) : null,
    },
  };
}

async function buildCapacity(
  ctx: Ctx,
  settings: TeamSettings,
  counts: Map<string, number> | undefined,
  book: readonly BookAccount[],
  team: Team,
): Promise<Capacity> {
  const tierCounts = counts ?? new Map<string, number>();
  if (!counts)
    for (const a of book) tierCounts.set(a.tier ?? NO_TIER, (tierCounts.get(a.tier ?? NO_TIER) ?? 0) + 1);
  const current = currentTeam(book, team, settings);
  const order = await tierOrder(ctx, [...tierCounts.keys(), ...Object.keys(current.perTier)]);
  const plan = planHeadcount({
    tiers: order.map((tier) => ({ tier, accounts: tierCounts.get(tier) ?? 0 })),
    model: capacityModel(settings),
    growth: settings.growth,
    groupSize: settings.groupSize,
    current: current.perTier,
  });
  return {
    day: today(ctx),
    growth: settings.growth,
    groupSize: settings.groupSize,
    weighting: settings.weighting,
    plan,
    team: current.team,
  };
}

/**
 * The headcount planner on today's accounts (seed 002): CSMs and groups needed per tier against
 * today's team. `growth` and `groupSize` override the saved settings for this answer.
 */
export async function getCapacity({ ctx, input }: { ctx: Ctx; input: CapacityQuery }): Promise<Capacity> {
  await authorize(ctx, 'read');
  const q = CapacityQuery.parse(input);
  const saved = await loadTeamSettings(ctx);
  const settings = { ...saved, growth: q.growth ?? saved.growth, groupSize: q.groupSize ?? saved.groupSize };
  return buildCapacity(ctx, settings, undefined, await loadBook(ctx), await loadTeam(ctx));
}

/**
 * What-if: the same plan with other capacities, growth, group size or tier rules, beside today's
 * (writing nothing). Managers and admins (team:manage); other tier rules also need settings:write,
 * as the tiering preview does.
 */
export async function whatIfCapacity({ ctx, input }: { ctx: Ctx; input: WhatIf }) {
  await authorize(ctx, 'team:manage');
  const data = WhatIf.parse(input);
  const saved = await loadTeamSettings(ctx);
  const [book, team] = [await loadBook(ctx), await loadTeam(ctx)];
  const baseline = await buildCapacity(ctx, saved, undefined, book, team);
  const settings: TeamSettings = {
    ...saved,
    ...(data.capacities ? { capacities: data.capacities } : {}),
    ...(data.weighting ? { weighting: data.weighting } : {}),
    ...(data.hoursPerCsm ? { hoursPerCsm: data.hoursPerCsm } : {}),
    ...(data.growth !== undefined ? { growth: data.growth } : {}),
    ...(data.groupSize ? { groupSize: data.groupSize } : {}),
  };
  let counts: Map<string, number> | undefined;
  if (data.tiering) {
    const preview = await previewTieringScheme({
      ctx,
      input: { rules: data.tiering.rules as never, defaultTier: data.tiering.defaultTier, limit: 0 },
    });
    counts = new Map(preview.counts.map((c) => [c.tier, c.count]));
  }
  const whatIf = await buildCapacity(ctx, settings, counts, book, team);
  const tiers = [...new Set([...baseline.plan.tiers, ...whatIf.plan.tiers].map((t) => t.tier))];
  const find = (c: Capacity, tier: string) => c.plan.tiers.find((t) => t.tier === tier);
  return {
    baseline,
    whatIf,
    change: tiers.map((tier) => ({
      tier,
      accounts: (find(whatIf, tier)?.accounts ?? 0) - (find(baseline, tier)?.accounts ?? 0),
      csmsNeeded: (find(whatIf, tier)?.csmsNeeded ?? 0) - (find(baseline, tier)?.csmsNeeded ?? 0),
      groups: (find(whatIf, tier)?.groups ?? 0) - (find(baseline, tier)?.groups ?? 0),
    })),
  };
}
