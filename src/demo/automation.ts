// The demo workspace's automation: an error metric with some surges, the seeds' example rules and
// the default playbooks, run over the backfilled history day by day with the clock set to each day,
// so the workbench opens on tasks with believable creation dates; older ones are mostly done.
import { type Ctx, inTransaction } from '../context.ts';
import {
  type CreateRule,
  createRule,
  installDefaultPlaybooks,
  loadAllSpecs,
  runDailySpecs,
} from '../modules/automation/index.ts';
import { type Candidate, fromSegment, ingestBatch } from '../modules/ingest/index.ts';
import { createMetric } from '../modules/metrics/index.ts';
import { ListTasks, listTasks, type Task, updateTask } from '../modules/tasks/index.ts';
import { addNote } from '../modules/timeline/index.ts';
import { addDays, dayInZone, today } from '../time.ts';

/** Seed 004 (4.3) examples: abnormal moves of key metrics raise tasks for the right people. */
export const DEMO_RULES: CreateRule[] = [
  {
    key: 'error_surge',
    name: '报错激增 → 技术支持 / Error surge',
    description:
      'Errors this week at least double last week’s and at least 10: hand to support (seed 004, 4.1).',
    trigger: { type: 'metric_change', metric: 'errors', period: 'wow', cmp: '>=', value: 1 },
    condition: 'metrics.errors.total_7d >= 10',
    actions: [
      {
        type: 'create_task',
        title:
          '{{name}} 报错激增：近 7 天 {{metrics.errors.total_7d}} 次（周环比 {{metrics.errors.wow | percent}}）',
        description: '报错类指标异常，请技术支持排查原因并回复客户。',
        taskType: 'support',
        assignee: { role: 'owner' },
        priority: 'P1',
        dueInDays: 3,
      },
    ],
    cooldownDays: 14,
  },
  {
    key: 'active_users_drop',
    name: '活跃用户下降 → CSM / Active users dropping',
    description: 'Active users down 30% or more month over month (seed 004, 4.3).',
    trigger: { type: 'metric_change', metric: 'active_users', period: 'mom', cmp: '<=', value: -0.3 },
    condition: 'contract_status = "active" and active_users_30d >= 1',
    actions: [
      {
        type: 'create_task',
        title: '{{name}} 活跃用户环比 {{metrics.active_users.mom | percent}}',
        description: '活跃用户明显下降：回顾账号开通与使用情况，安排场景赋能。',
        taskType: 'adoption',
        assignee: { role: 'csm' },
        priority: 'P1',
        dueInDays: 7,
      },
    ],
    cooldownDays: 30,
  },
  {
    key: 'value_drop',
    name: '价值行为下降 → CSM / Value behaviour dropping',
    description:
      'Reports run down 40% or more month over month on an account that used them (seed 004, 3.2.1).',
    trigger: { type: 'metric_change', metric: 'reports_run', period: 'mom', cmp: '<=', value: -0.4 },
    condition: 'contract_status = "active" and metrics.reports_run.total_90d >= 20',
    actions: [
      {
        type: 'create_task',
        title: '{{name}} 报表运行环比 {{metrics.reports_run.mom | percent}}',
        description: '价值行为下降比基础行为更能说明风险：了解原因，确认是否有替代方案。',
        taskType: 'risk',
        assignee: { role: 'owner' },
        priority: 'P1',
        dueInDays: 7,
      },
    ],
    cooldownDays: 30,
  },
  {
    key: 'value_stopped_21d',
    name: '价值行为停止 21 天 / Value behaviour stopped for 21 days',
    description: 'An account that ran reports in the last 90 days has had no value behaviour for 21 days.',
    trigger: { type: 'no_value', days: 21 },
    condition: 'contract_status = "active" and metrics.reports_run.total_90d >= 5',
    actions: [
      {
        type: 'create_task',
        title: '{{name}} 已 21 天没有价值行为（报表、分享、审批）',
        taskType: 'risk',
        assignee: { role: 'owner' },
        priority: 'P1',
        dueInDays: 5,
      },
    ],
    cooldownDays: 60,
  },
  {
    key: 'renewal_danger',
    name: '续约期危险 → P0 / Renewal in 90 days with danger health',
    description: 'Seed 000: 重续缓用 — renewals at risk come first.',
    trigger: { type: 'renewal_within', days: 90 },
    condition: 'health.status = "danger" and renewal_confirmed = false',
    actions: [
      {
        type: 'create_task',
        title: '{{name}} {{days_to_renewal}} 天后续约，健康度危险（{{health.score | round}}）',
        description: 'ARR {{arr | money}}：确认续约风险，制定挽回计划。',
        taskType: 'renewal',
        assignee: { role: 'owner' },
        priority: 'P0',
        dueInDays: 3,
      },
      { type: 'add_tag', tag: '续约风险' },
    ],
    cooldownDays: 30,
  },
  {
    key: 'health_to_danger',
    name: '健康度转为危险 / Health turned danger',
    trigger: { type: 'state_change', kind: 'health_status', to: 'danger' },
    condition: 'contract_status = "active"',
    actions: [
      {
        type: 'timeline',
        title: '健康度转为危险：{{reason}}',
        body: '健康度 {{health.score | round}}，7 天变化 {{health.trend_7d}}。',
      },
    ],
    cooldownDays: 7,
  },
  {
    key: 'strategic_bottom_usage',
    name: '战略客户活跃度垫底 / Strategic, bottom 10% by active users',
    trigger: { type: 'metric_rank', metric: 'active_users', side: 'bottom', percent: 10, within: 'tier' },
    condition: 'tier = "strategic" and contract_status = "active"',
    actions: [
      {
        type: 'create_task',
        title: '{{name}} 活跃用户处于战略客户末位 10%（{{active_users_30d}} 人）',
        taskType: 'adoption',
        assignee: { role: 'owner' },
        priority: 'P1',
        dueInDays: 10,
      },
    ],
    cooldownDays: 45,
  },
  {
    key: 'low_sentiment',
    name: 'CSM 情绪评分低 / Low CSM sentiment',
    trigger: { type: 'sentiment', atMost: 2 },
    actions: [
      {
        type: 'create_task',
        title: '{{name}} CSM 情绪评分 {{health.sentiment}}/5：安排主管介入',
        taskType: 'risk',
        assignee: { role: 'owner' },
        priority: 'P1',
        dueInDays: 5,
      },
    ],
  },
  {
    key: 'weekly_renewal_digest',
    name: '每周续约提醒邮件 / Weekly renewal reminder',
    trigger: { type: 'schedule', cron: '0 9 * * 1' },
    condition: 'days_to_renewal between 0 and 30 and renewal_confirmed = false',
    actions: [
      {
        type: 'email',
        to: { role: 'owner' },
        subject: '{{name}} 将在 {{days_to_renewal}} 天后续约',
        body: '{{name}}（ARR {{arr | money}}，健康度 {{health.status}}）将于 {{renewal_date}} 到期，尚未确认续约。',
      },
    ],
    cooldownDays: 6,
  },
];

/** Days the demo runs its rules for: the recompute backfill's days within the last `window` days. */
export function demoRuleDays(end: string, days: number, window = 120): string[] {
  const out: string[] = [];
  const first = addDays(end, -Math.min(days, 364, window));
  for (let d = addDays(end, -14); d >= first; d = addDays(d, -7)) out.unshift(d);
  for (let i = 13; i >= 0; i--) out.push(addDays(end, -i));
  return out;
}

/** The clock at 09:30 in the workspace's zone on `day` (so rules "ran" that morning). */
function morningOf(ctx: Ctx, day: string): Date {
  for (const at of [`${day}T01:30:00.000Z`, `${day}T09:30:00.000Z`, `${day}T14:30:00.000Z`]) {
    const d = new Date(at);
    if (dayInZone(d, ctx.workspace.timeZone) === day) return d;
  }
  return new Date(`${day}T12:00:00.000Z`);
}

async function generateErrors(
  ctx: Ctx,
  accounts: { id: string; externalId: string; goLiveDate: string; churned: boolean }[],
  days: number,
  random: { next(): number; int(a: number, b: number): number; chance(p: number): boolean },
) {
  await createMetric({
    ctx,
    input: {
      key: 'errors',
      name: '报错次数',
      aggregation: 'count',
      eventNames: ['Error Occurred'],
      behaviour: 'basic',
    } as never,
  });
  const end = today(ctx);
  const span = Math.min(days, 120);
  const start = addDays(end, -span + 1);
  let batch: Candidate[] = [];
  const flush = async () => {
    if (batch.length) await ingestBatch(ctx, batch, ctx.now());
    batch = [];
  };
  for (const a of accounts) {
    if (a.churned || !random.chance(0.3)) continue;
    const surge = random.chance(0.25) ? random.int(0, span - 10) : -1;
    for (let d = 0; d < span; d++) {
      const day = addDays(start, d);
      if (day < a.goLiveDate) continue;
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      const inSurge = surge >= 0 && d >= surge && d < surge + 8;
      const n = inSurge ? random.int(3, 9) : random.chance(0.25) ? 1 : 0;
      for (let k = 0; k < n; k++) {
        batch.push(
          fromSegment({
            type: 'track',
            userId: `${a.externalId}-U1`,
            event: 'Error Occurred',
            properties: { code: random.chance(0.5) ? 'E500' : 'TIMEOUT' },
            context: { groupId: a.externalId },
            messageId: `demo-${a.externalId}-${day}-err-${k}`,
            timestamp: `${day}T0${random.int(1, 9)}:${String(random.int(10, 59))}:00.000Z`,
          }),
        );
        if (batch.length >= 2000) await flush();
      }
    }
  }
  await flush();
}

/**
 * Demo extension: errors, rules, playbooks, then the rules over the backfilled days in order with
 * the clock on each day; tasks whose due date has passed are mostly done by then (a CS team that
 * works its list), the rest stay open or overdue.
 */
export async function automationDemo({
  ctx,
  accounts,
  days,
  random,
}: {
  ctx: Ctx;
  accounts: { id: string; externalId: string; goLiveDate: string; churned: boolean }[];
  days: number;
  random: { next(): number; int(a: number, b: number): number; chance(p: number): boolean };
}) {
  if (days > 0) await generateErrors(ctx, accounts, days, random);
  await inTransaction(ctx, async (tx) => {
    for (const rule of DEMO_RULES) await createRule({ ctx: tx, input: rule });
    await installDefaultPlaybooks({ ctx: tx });
  });
  if (days <= 0) return;
  const end = today(ctx);
  const specs = await loadAllSpecs(ctx);
  for (const day of demoRuleDays(end, days)) {
    // Never later than now: today's run happens now if the morning is still ahead.
    const at = new Date(Math.min(morningOf(ctx, day).getTime(), ctx.now().getTime()));
    // A day in one transaction, not one for each account's actions and two for each task done
    // (2,000 accounts: 23,401 commits -> 4,252), its rules batch loaded here rather than in a new
    // worker thread each day.
    await inTransaction({ ...ctx, now: () => at }, async (dayCtx) => {
      await runDailySpecs(dayCtx, specs, day, 'demo');
      // Today's work is still ahead: the workbench opens on it (and notes stay in the past).
      if (day < end) await completeDueTasks(dayCtx, random);
    });
  }
}

const TOUCH: Record<string, { type: 'call' | 'meeting' | 'note'; body: string }> = {
  call: { type: 'call', body: '电话回访：确认近况与使用问题' },
  qbr: { type: 'meeting', body: '业务回顾会议：回顾使用数据与 ROI，讨论下一阶段目标' },
  renewal: { type: 'call', body: '电话沟通续约意向与风险' },
};

/**
 * Marks most open automation tasks due before `day` done (on that day), as a working team would,
 * and records the touch the work was (a call, a meeting, a note) on the account's timeline, so
 * touch cadences see it.
 */
async function completeDueTasks(ctx: Ctx, random: { chance(p: number): boolean }) {
  const due: Task[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTasks({
      ctx,
      input: ListTasks.parse({ status: 'open', source: 'rule,playbook', due: 'overdue', limit: 200, cursor }),
    });
    due.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  // By id, so the same tasks meet the same random draws for a given seed.
  due.sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const t of due) {
    if (!random.chance(0.45)) continue;
    await updateTask({ ctx, id: t.id, input: { status: 'done' } });
    const touch = TOUCH[t.type] ?? { type: 'note' as const, body: `已跟进：${t.title}` };
    await addNote({
      ctx: t.assigneeId
        ? {
            ...ctx,
            actor: {
              kind: 'user',
              userId: t.assigneeId,
              role: 'csm',
              via: 'session',
              scopes: ['read', 'write'],
            },
          }
        : ctx,
      accountId: t.accountId,
      input: { type: touch.type, body: touch.body, occurredAt: ctx.now().toISOString() },
    });
  }
}
