import { type Ctx, inTransaction } from '../context.ts';
import { ListAccounts, listAccounts } from '../modules/accounts/index.ts';
import { listUserRefs, type Role } from '../modules/auth/index.ts';
import { accountListState } from '../modules/lifecycle/index.ts';
import { addFollowUp, createTask, type Priority, type TaskType, updateTask } from '../modules/tasks/index.ts';
import { addDays, daysBetween, today } from '../time.ts';
import type { DemoExtension } from './extension.ts';

type Template = {
  type: TaskType;
  title: string;
  description: string;
  steps: { summary: string; outcome?: string; nextStep?: string }[];
};

// What CSMs of a Chinese B2B SaaS vendor actually log (seed 004, 3-4): calls, QBRs, onboarding,
// risk follow-ups on falling key metrics, renewals, expansion and support escalations.
const TEMPLATES: Template[] = [
  {
    type: 'call',
    title: '月度电话回访',
    description: '了解本月使用情况和新的需求。',
    steps: [
      {
        summary: '与对接人电话沟通本月使用情况',
        outcome: '整体满意，报表导出偶尔超时',
        nextStep: '反馈给技术支持排查导出性能',
      },
      { summary: '回电告知导出超时已修复', outcome: '客户确认问题解决' },
    ],
  },
  {
    type: 'qbr',
    title: '准备季度业务回顾（QBR）',
    description: '整理本季度关键指标、ROI 和下季度目标，约客户高层参会。',
    steps: [
      { summary: '整理使用数据和 ROI 材料，已发给客户项目负责人预审', nextStep: '确认参会人和时间' },
      {
        summary: 'QBR 已开完，客户 CIO 参会',
        outcome: '认可价值，提出移动端审批需求',
        nextStep: '需求同步给产品经理',
      },
    ],
  },
  {
    type: 'onboarding',
    title: '新部门上线培训',
    description: '客户新开通的部门账号活跃率低，安排一次线上培训。',
    steps: [
      { summary: '约好周四下午线上培训，共 25 人报名' },
      { summary: '培训完成，现场答疑 12 个问题', outcome: '次日活跃账号从 8 个升到 21 个' },
    ],
  },
  {
    type: 'risk',
    title: '关键指标下降跟进：查询量环比下降',
    description: '近 30 天查询次数环比下降超过 30%，确认原因。',
    steps: [
      {
        summary: '和业务负责人沟通，原因是数据负责人离职、报表没人维护',
        outcome: '风险可控，客户愿意指定新负责人',
        nextStep: '给新负责人做一对一赋能',
      },
      { summary: '完成新负责人赋能，恢复了 6 张核心报表', outcome: '本周查询量回升' },
    ],
  },
  {
    type: 'renewal',
    title: '续约方案沟通',
    description: '合同 90 天内到期，确认续约意向和预算。',
    steps: [
      { summary: '与采购和业务方沟通续约', outcome: '预算已批，要求两年期折扣', nextStep: '和销售确认报价' },
      { summary: '报价已发出，客户走内部审批', outcome: '预计两周内签约' },
    ],
  },
  {
    type: 'expansion',
    title: '增购席位机会评估',
    description: '活跃账号已超过开通席位的 90%，评估增购。',
    steps: [
      {
        summary: '确认明年新增两个分公司要上线',
        outcome: '有 50 个席位的增购需求',
        nextStep: '转给销售出方案',
      },
    ],
  },
  {
    type: 'support',
    title: '报错增多：联系技术支持排查',
    description: '近一周接口报错量明显上升，协调技术支持。',
    steps: [
      { summary: '已拉技术支持进群，定位为客户侧网关超时配置', nextStep: '客户 IT 调整配置后观察一周' },
      { summary: '调整后报错量回到正常水平', outcome: '问题关闭' },
    ],
  },
  {
    type: 'adoption',
    title: '推动审批流程功能使用',
    description: '客户只用了基础功能，审批流程模块未启用，做场景赋能。',
    steps: [
      {
        summary: '演示审批流程在采购场景的用法',
        outcome: '客户决定先在行政部门试点',
        nextStep: '两周后回访试点效果',
      },
    ],
  },
];

/** The user's accounts by external id (a stable order for the seeded draws). */
async function ownedAccounts(ctx: Ctx, ownerId: string): Promise<{ id: string; externalId: string }[]> {
  const out: { id: string; externalId: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAccounts({
      ctx,
      input: ListAccounts.parse({ ownerId, limit: 500, cursor }),
      state: accountListState,
    });
    out.push(...page.items.map((a) => ({ id: a.id, externalId: a.externalId })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out.sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
}

const PRIORITY_WEIGHTS: (readonly [Priority, number])[] = [
  ['P0', 1],
  ['P1', 3],
  ['P2', 5],
  ['P3', 2],
];

/**
 * Demo tasks: for every demo CSM a handful of manual tasks on accounts they own, created over the
 * last month by themselves or their manager, with follow-ups, some done, some in progress, a few
 * cancelled or snoozed, and the rest open (those past their due date are overdue today).
 */
export const tasksDemo: DemoExtension = async ({ ctx, random: r }) => {
  const day0 = today(ctx);
  const staff = await listUserRefs(ctx, { roles: ['csm', 'manager'] });
  const managers = staff.filter((u) => u.role === 'manager');
  const csms = staff.filter((u) => u.role === 'csm');
  for (const csm of csms) {
    const owned = await ownedAccounts(ctx, csm.id);
    if (owned.length === 0) continue;
    const picked = r.sample(owned, Math.min(owned.length, r.int(5, 9)));
    await inTransaction(ctx, async (tx) => {
      // The clock of each write is when it happened, and the actor is who did it.
      const as = (userId: string, role: Role, day: string, hour: number): Ctx => ({
        ...tx,
        now: () => {
          const at = new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`);
          return at > ctx.now() ? ctx.now() : at; // never in the future
        },
        actor: { kind: 'user', userId, role, via: 'session', scopes: ['read', 'write'] },
      });
      for (const account of picked) {
        const template = r.pick(TEMPLATES);
        const createdAgo = r.int(2, 30);
        const created = addDays(day0, -createdAgo);
        const byManager = managers.length > 0 && r.chance(0.25);
        const creator = byManager ? r.pick(managers) : csm;
        const task = await createTask({
          ctx: as(creator.id, creator.role as Role, created, 9 + r.int(0, 8)),
          input: {
            accountId: account.id,
            title: template.title,
            description: template.description,
            type: template.type,
            priority: r.weighted(PRIORITY_WEIGHTS),
            dueDate: addDays(created, r.int(3, 21)),
            assignee: { userId: csm.id },
          },
        });
        const roll = r.int(1, 100);
        // done 35%, in progress 15%, cancelled 5%, snoozed 5%, open 40%
        const outcome =
          roll <= 35
            ? 'done'
            : roll <= 50
              ? 'in_progress'
              : roll <= 55
                ? 'cancelled'
                : roll <= 60
                  ? 'snoozed'
                  : 'open';
        if (outcome === 'open' || outcome === 'cancelled' || outcome === 'snoozed') {
          if (outcome === 'open') continue;
          const at = as(csm.id, 'csm', addDays(created, Math.min(createdAgo, 1)), 15);
          await updateTask({
            ctx: at,
            id: task.id,
            input:
              outcome === 'cancelled'
                ? { status: 'cancelled' }
                : { status: 'snoozed', snoozedUntil: addDays(day0, r.int(2, 14)) },
          });
          continue;
        }
        const steps = outcome === 'done' ? template.steps : template.steps.slice(0, 1);
        let day = created;
        for (const [i, step] of steps.entries()) {
          day = addDays(day, Math.max(0, Math.min(r.int(1, 5), daysBetween(day, day0))));
          const last = i === steps.length - 1;
          await addFollowUp({
            ctx: as(csm.id, 'csm', day, 10 + i * 3),
            taskId: task.id,
            input: {
              summary: step.summary,
              outcome: step.outcome,
              nextStep: step.nextStep,
              taskStatus: last ? outcome : 'in_progress',
            },
          });
        }
      }
    });
  }
};
