// The team part of the demo workspace: groups by region (split by tier where a region needs more
// than one group's worth of CSMs, seed 002's mixed example), CSMs hired until each group can carry
// its accounts at about 90% of capacity, then the assignment algorithm places every account
// (rebalance). Open renewals in the window get realistic stages.
import type { Ctx } from '../context.ts';
import { createUser, sharedPassword } from '../modules/auth/index.ts';
import { loadRenewals, updateRenewal } from '../modules/renewals/index.ts';
import { tierLabel } from '../modules/segments/index.ts';
import {
  accountCost,
  applyAssignment,
  capacityModel,
  createGroup,
  getGroup,
  loadBook,
  loadTeam,
  loadTeamSettings,
  meanArrByTier,
  updateGroup,
} from '../modules/team/index.ts';
import { addDays, today } from '../time.ts';
import type { DemoExtension } from './extension.ts';

const REGION_KEYS: Record<string, string> = {
  华东: 'east',
  华北: 'north',
  华南: 'south',
  华中: 'central',
  西南: 'southwest',
  西北: 'northwest',
  东北: 'northeast',
};
const SURNAMES = ['陈', '林', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '何', '郭', '马', '罗'];
const GIVEN = ['晓明', '静', '伟', '芳', '磊', '婷', '强', '丽', '杰', '敏', '涛', '欣怡', '浩然', '雨桐'];
/** Utilisation the demo staffs groups for: busy, with a little room for new accounts. */
const TARGET = 0.9;

type Seat = { key: string; name: string; region: string; scope: string; load: number };

export const teamDemo: DemoExtension = async ({ ctx, random }) => {
  const settings = await loadTeamSettings(ctx);
  const model = capacityModel(settings);
  const [book, team] = [await loadBook(ctx), await loadTeam(ctx)];
  const means = meanArrByTier(book);
  const byRegion = new Map<string, Map<string, number>>();
  for (const a of book) {
    const region = typeof a.facts.region === 'string' ? a.facts.region : '未知';
    const tiers = byRegion.get(region) ?? new Map<string, number>();
    tiers.set(
      a.tier ?? 'unassigned',
      (tiers.get(a.tier ?? 'unassigned') ?? 0) + accountCost(model, a.tier, a.arr, means),
    );
    byRegion.set(region, tiers);
  }
  const regions = [...byRegion].sort(([, a], [, b]) => sum(b) - sum(a));
  const groups: Seat[] = [];
  regions.forEach(([region, tiers], i) => {
    const key = REGION_KEYS[region] ?? `region_${i + 1}`;
    if (Math.ceil(sum(tiers) / TARGET) <= settings.groupSize) {
      groups.push({ key, name: `${region}组`, region, scope: `region = "${region}"`, load: sum(tiers) });
      return;
    }
    for (const [tier, load] of [...tiers].sort(([a], [b]) => (a < b ? -1 : 1))) {
      groups.push({
        key: `${key}_${tier}`,
        // Named as the team would (华东·战略型客户), not by the tier's key.
        name: `${region}·${tierLabel(tier)['zh-CN']}`,
        region,
        scope: `region = "${region}" and tier = "${tier}"`,
        load,
      });
    }
  });

  // Each CSM's home region: where most of their accounts are.
  const home = new Map<string, Map<string, number>>();
  for (const a of book) {
    if (!a.ownerId) continue;
    const m = home.get(a.ownerId) ?? new Map<string, number>();
    const region = String(a.facts.region ?? '');
    m.set(region, (m.get(region) ?? 0) + 1);
    home.set(a.ownerId, m);
  }
  const pool = new Map<string, string[]>();
  const csms = [...team.users.values()]
    .filter((u) => u.role === 'csm' && u.active)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const u of csms) {
    const region =
      [...(home.get(u.id) ?? new Map())].sort((a, b) => b[1] - a[1])[0]?.[0] ?? regions[0]?.[0] ?? '';
    const list = pool.get(region);
    if (list) list.push(u.id);
    else pool.set(region, [u.id]);
  }
  const managers = [...team.users.values()].filter((u) => u.role === 'manager');
  const shared = await sharedPassword();
  let hired = 0;
  const hire = async () => {
    const name = `${random.pick(SURNAMES)}${random.pick(GIVEN)}`;
    // Not @demo.steward.dev: that domain is the base demo's own staff, counted by generateDemo.
    const user = await createUser({
      ctx,
      shared,
      input: {
        email: `csm.hire${hired++}+${ctx.workspace.id.slice(-6)}@team.demo.steward.dev`,
        name,
        role: 'csm',
        locale: 'zh-CN',
        password: shared.password,
      },
    });
    return user.id;
  };
  for (const g of groups) {
    const seats = Math.max(1, Math.ceil(g.load / TARGET));
    const members: string[] = [];
    const local = pool.get(g.region) ?? [];
    while (members.length < seats && local.length) members.push(local.shift()!);
    while (members.length < seats) members.push(await hire());
    const lead = managers.find((m) => m.name.includes(`（${g.region}主管）`));
    await createGroup({
      ctx,
      input: {
        key: g.key,
        name: g.name,
        leadId: lead?.id ?? null,
        scope: g.scope,
        members: members.map((userId) => ({ userId })),
      },
    });
  }
  // CSMs left over (a region needing fewer than it had) join the first group of their region.
  for (const [region, left] of pool) {
    if (!left.length) continue;
    const first = groups.find((g) => g.region === region) ?? groups[0];
    if (!first) continue;
    const current = await getGroup({ ctx, id: first.key });
    await updateGroup({
      ctx,
      id: first.key,
      input: {
        members: [
          ...current.members.map((m) => ({ userId: m.userId })),
          ...left.map((userId) => ({ userId })),
        ],
      },
    });
  }
  await applyAssignment({ ctx, input: { mode: 'rebalance', keepFamilies: true, limit: 0 } });
  await demoRenewalStages(ctx, random);
};

const sum = (m: Map<string, number>) => [...m.values()].reduce((s, x) => s + x, 0);

/** Renewals in the window: some in negotiation, healthy ones sometimes committed, risky ones flagged. */
async function demoRenewalStages(ctx: Ctx, random: Parameters<DemoExtension>[0]['random']) {
  const day = today(ctx);
  const open = (await loadRenewals(ctx, { from: day, to: addDays(day, 90) })).filter(
    (l) => !l.renewal.closed,
  );
  for (const { renewal } of open) {
    const health = renewal.healthStatus;
    const near = renewal.daysToRenewal <= 45;
    if (health === 'excellent' && near && random.chance(0.5)) {
      await updateRenewal({ ctx, id: renewal.contractId, input: { stage: 'committed' } });
    } else if (near || random.chance(0.4)) {
      await updateRenewal({
        ctx,
        id: renewal.contractId,
        input:
          health === 'danger' && random.chance(0.5)
            ? {
                stage: 'in_negotiation',
                probability: 0.2,
                probabilityReason: '客户评估竞品，预算收紧',
              }
            : { stage: 'in_negotiation' },
      });
    }
  }
}
