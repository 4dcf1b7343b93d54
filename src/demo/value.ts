// Value realisation in the demo (issue 17): success plans on strategic accounts with the
// customer's KPIs entered over the months (seed 001: efficiency +30%, cost -20%, revenue +15%),
// onboarding plans on accounts that went live lately, renewal plans (with their tasks) on accounts
// renewing soon, expansion opportunities near renewal, and the journey milestones recorded over
// the history. Everything goes through the modules' verbs with the clock set to when it happened.
import type { Ctx } from '../context.ts';
import { accountRefs, accountsView } from '../modules/accounts/index.ts';
import { createOpportunity } from '../modules/expansion/index.ts';
import {
  addKpi,
  addStep,
  createPlan,
  createStepTask,
  listPlanTemplates,
  recordKpiValue,
  recordMilestones,
  type SuccessPlan,
  updateObjective,
} from '../modules/plans/index.ts';
import { loadCurrentStates } from '../modules/state/index.ts';
import { addDays, daysBetween, today } from '../time.ts';
import type { DemoExtension } from './extension.ts';
import type { Random } from './random.ts';

/** A clock at noon (Beijing) of `day`, never in the future, acting as the user. */
const at = (ctx: Ctx, day: string, userId: string | null): Ctx => ({
  ...ctx,
  now: () => {
    const t = new Date(`${day}T10:00:00+08:00`);
    return t > ctx.now() ? ctx.now() : t;
  },
  ...(userId
    ? { actor: { kind: 'user', userId, role: 'csm', via: 'session', scopes: ['read', 'write'] } }
    : {}),
});

export const valueDemo: DemoExtension = async ({ ctx, accounts, days, random: r }) => {
  const day0 = today(ctx);
  const live = accounts.filter((a) => !a.churned);
  const ids = live.map((a) => a.id);
  const states = await loadCurrentStates(ctx, ids);
  const refs = await accountRefs(ctx, ids);
  const renewals = new Map(
    (await ctx.db.selectFrom(accountsView(ctx).as('a')).select(['a.id', 'a.renewal_date']).execute()).map(
      (x) => [x.id, x.renewal_date],
    ),
  );
  const templates = new Map((await listPlanTemplates({ ctx })).items.map((t) => [t.key, t]));
  const owner = (id: string) => refs.get(id)?.ownerId ?? null;
  const health = (id: string) => states.get(id)?.healthScore ?? 50;

  // Adoption plans with the customer's KPIs on strategic accounts (the first 30, by ARR).
  const strategic = live
    .filter((a) => states.get(a.id)?.tier === 'strategic')
    .sort((a, b) => b.arr - a.arr)
    .slice(0, 30);
  const adoption = templates.get('adoption');
  for (const a of strategic) {
    if (!adoption) break;
    const start = maxDay(a.goLiveDate, addDays(day0, -Math.min(days, 150)));
    if (start >= day0) continue;
    let plan = await createPlan({
      ctx: at(ctx, start, owner(a.id)),
      accountId: a.id,
      input: { templateId: adoption.id, startDate: start },
    });
    // The customer's own money and time figures beside the template's percentages, so the QBR's
    // ROI has something to value: a monthly operating cost (seed 001: cost -20%) of 1.5-3 months
    // of their subscription, and monthly hours of manual work (efficiency +30%).
    const value = plan.objectives[1];
    if (value) {
      const cost = Math.round(((a.arr / 12) * r.int(15, 30)) / 10 / 1000) * 1000;
      const hours = r.int(40, 120) * 10;
      await addKpi({
        ctx: at(ctx, start, owner(a.id)),
        objectiveId: value.id,
        input: {
          name: '每月运营成本',
          unit: '元/月',
          direction: 'decrease',
          baseline: cost,
          target: cost * 0.8,
        },
      });
      plan = await addKpi({
        ctx: at(ctx, start, owner(a.id)),
        objectiveId: value.id,
        input: {
          name: '每月人工处理工时',
          unit: '小时/月',
          direction: 'decrease',
          baseline: hours,
          target: Math.round(hours * 0.7),
        },
      });
    }
    await enterKpis(ctx, r, plan, start, day0, health(a.id), owner(a.id));
    // Next quarter's review, a step with its task, so the QBR's next-quarter plan has a date.
    if (value) {
      const withStep = await addStep({
        ctx: at(ctx, day0, owner(a.id)),
        objectiveId: value.id,
        input: { title: '下季度业务回顾（QBR）', taskType: 'qbr', dueDate: addDays(day0, r.int(20, 75)) },
      });
      const step = withStep.objectives[1]?.steps.at(-1);
      if (step && owner(a.id)) await createStepTask({ ctx: at(ctx, day0, owner(a.id)), stepId: step.id });
    }
  }

  // Onboarding plans on accounts that went live in the last 45 days.
  const onboarding = templates.get('onboarding');
  for (const a of live
    .filter((x) => daysBetween(x.goLiveDate, day0) >= 0 && daysBetween(x.goLiveDate, day0) <= 45)
    .slice(0, 20)) {
    if (!onboarding) break;
    const plan = await createPlan({
      ctx: at(ctx, a.goLiveDate, owner(a.id)),
      accountId: a.id,
      input: { templateId: onboarding.id, startDate: a.goLiveDate },
    });
    const goals = plan.objectives[0];
    if (goals && daysBetween(a.goLiveDate, day0) > 14)
      await updateObjective({
        ctx: at(ctx, addDays(a.goLiveDate, 12), owner(a.id)),
        id: goals.id,
        input: { status: 'done' },
      });
  }

  // Renewal plans, with their steps as tasks, on the strategic and growth accounts renewing in 30-100 days.
  const renewal = templates.get('renewal');
  const renewing = live.filter((a) => {
    const d = renewals.get(a.id);
    const tier = states.get(a.id)?.tier;
    return (
      d &&
      (tier === 'strategic' || tier === 'growth') &&
      daysBetween(day0, d) >= 30 &&
      daysBetween(day0, d) <= 100
    );
  });
  for (const a of renewing.slice(0, 15)) {
    if (!renewal) break;
    const start = addDays(renewals.get(a.id)!, -90);
    await createPlan({
      ctx: at(ctx, start < day0 ? start : day0, owner(a.id)),
      accountId: a.id,
      input: { templateId: renewal.id, startDate: start, createTasks: true },
    });
  }

  // Expansion opportunities near renewal on healthy accounts, and some won ones in the past.
  const KINDS = [
    ['up_sell', '升级到企业版', 0.4],
    ['cross_sell', '加购数据分析模块', 0.35],
    ['seats', '增加 50 个席位', 0.1],
  ] as const;
  const candidates = live.filter((a) => {
    const d = renewals.get(a.id);
    return d && daysBetween(day0, d) >= 0 && daysBetween(day0, d) <= 180 && health(a.id) >= 60;
  });
  for (const a of r.sample(candidates, Math.min(candidates.length, 40))) {
    const [kind, title, share] = r.pick(KINDS);
    const renewalDay = renewals.get(a.id)!;
    const opened = addDays(day0, -r.int(5, 60));
    await createOpportunity({
      ctx: at(ctx, opened, owner(a.id)),
      accountId: a.id,
      input: {
        kind,
        title,
        amount: Math.round((kind === 'seats' ? a.arr * 0.1 + 5_000 : a.arr * share) / 1000) * 1000,
        stage: r.weighted([
          ['identified', 3],
          ['qualified', 3],
          ['proposal', 2],
          ['negotiation', 2],
        ] as const),
        closeDate: renewalDay,
      },
    });
  }
  const veterans = live.filter((a) => daysBetween(a.goLiveDate, day0) > 200 && health(a.id) >= 70);
  for (const a of r.sample(veterans, Math.min(veterans.length, 15))) {
    const closed = addDays(day0, -r.int(20, Math.min(150, days)));
    await createOpportunity({
      ctx: at(ctx, closed, owner(a.id)),
      accountId: a.id,
      input: {
        kind: 'cross_sell',
        title: '加购移动审批模块',
        amount: Math.round((a.arr * 0.2) / 1000) * 1000,
        stage: 'won',
        closeDate: closed,
      },
    });
  }

  // Journey milestones over the history (monthly, then today), so reached and late ones have dates.
  for (let back = Math.floor(Math.min(days, 180) / 30) * 30; back > 0; back -= 30)
    await recordMilestones(ctx, addDays(day0, -back));
  await recordMilestones(ctx, day0);
};

/**
 * The customer's own figures every six weeks from the plan's start: healthy accounts reach their
 * targets, struggling ones fall behind (seed 001's efficiency +30%, cost -20%, revenue +15%).
 */
async function enterKpis(
  ctx: Ctx,
  r: Random,
  plan: SuccessPlan,
  start: string,
  day0: string,
  health: number,
  ownerId: string | null,
) {
  const pace = Math.max(0.15, Math.min(1.15, (health - 25) / 55));
  const manual = plan.objectives.flatMap((o) => o.kpis.filter((k) => k.source === 'manual'));
  for (let d = addDays(start, 42); d <= day0; d = addDays(d, 42)) {
    const share = Math.min(1, daysBetween(start, d) / 180) * pace;
    for (const k of manual) {
      const base = k.baseline ?? 0;
      const v = base + (k.target - base) * share * (0.85 + r.next() * 0.3);
      await recordKpiValue({
        ctx: at(ctx, d, ownerId),
        kpiId: k.id,
        // Money and hours as people write them (whole units); percentages to one decimal.
        input: { value: Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10, day: d, note: null },
      });
    }
  }
  const habit = plan.objectives[0];
  if (habit && health >= 75)
    await updateObjective({ ctx: at(ctx, day0, ownerId), id: habit.id, input: { status: 'done' } });
  else if (habit && health < 45)
    await updateObjective({ ctx: at(ctx, day0, ownerId), id: habit.id, input: { status: 'at_risk' } });
  else if (habit)
    await updateObjective({ ctx: at(ctx, day0, ownerId), id: habit.id, input: { status: 'in_progress' } });
}

const maxDay = (a: string, b: string) => (a > b ? a : b);
