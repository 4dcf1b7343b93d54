// Demo customer requests (seed 000's "大客看性,小客看量"): many small accounts asking for the same
// handful of things in their own words, Chinese and sometimes English, and single, specific asks
// from strategic accounts. Written through the verbs with the clock at the day each was logged, so
// automatic grouping, timelines and status history read as real; each theme's English asks are then
// merged into its Chinese group by a manager, as a team would.
import type { Ctx } from '../context.ts';
import { accountRefs, contactRefsOf } from '../modules/accounts/index.ts';
import { listUserRefs } from '../modules/auth/index.ts';
import {
  createRequest,
  ListRequests,
  listRequests,
  mergeRequests,
  type REQUEST_TYPES,
  updateRequest,
} from '../modules/requests/index.ts';
import { addDays, daysBetween, today } from '../time.ts';
import type { DemoExtension } from './extension.ts';

type Theme = {
  area: string;
  type: (typeof REQUEST_TYPES)[number];
  weight: number;
  zh: string[];
  en: string[];
  detail: string;
};

/** Asks many small customers share: each wording is close enough to its theme's others to group. */
const THEMES: Theme[] = [
  {
    area: '报表',
    type: 'feature_request',
    weight: 14,
    zh: [
      '希望支持导出Excel报表',
      '报表能否导出Excel',
      '能不能导出Excel报表',
      '报表导出Excel格式',
      '建议增加Excel报表导出',
    ],
    en: ['Export reports to Excel', 'Please add export of reports to Excel'],
    detail: '财务每月要把报表导出后再加工,现在只能截图或复制。',
  },
  {
    area: '集成',
    type: 'feature_request',
    weight: 11,
    zh: [
      '企业微信消息通知',
      '希望接入企业微信消息通知',
      '审批结果推送企业微信通知',
      '能否支持企业微信消息提醒',
    ],
    en: ['WeCom (企业微信) message notifications'],
    detail: '员工都在企业微信里办公,邮件通知经常被忽略。',
  },
  {
    area: '数据',
    type: 'feature_request',
    weight: 9,
    zh: ['批量导入联系人', '联系人能否批量导入', '希望支持Excel批量导入联系人', '批量导入联系人功能'],
    en: ['Bulk import contacts from a spreadsheet'],
    detail: '上线时有几千个联系人要录入,逐个添加太慢。',
  },
  {
    area: '性能',
    type: 'complaint',
    weight: 8,
    zh: ['仪表盘加载太慢', '仪表盘加载很慢', '首页仪表盘加载太慢经常超时', '仪表盘加载慢影响使用'],
    en: ['Dashboard loads too slowly'],
    detail: '早上九点高峰期打开仪表盘要等半分钟以上。',
  },
  {
    area: '移动端',
    type: 'feature_request',
    weight: 7,
    zh: ['移动端支持审批', '希望移动端可以审批', '手机App审批功能', '移动端审批流程'],
    en: ['Approvals in the mobile app'],
    detail: '主管经常出差,审批卡在电脑端。',
  },
  {
    area: '安全',
    type: 'feature_request',
    weight: 6,
    zh: ['单点登录SSO', '支持单点登录SSO', '希望对接公司单点登录SSO', 'SSO单点登录对接'],
    en: ['Single sign-on (SSO) with our identity provider'],
    detail: 'IT 要求所有系统统一走公司的身份认证。',
  },
  {
    area: '集成',
    type: 'feature_request',
    weight: 5,
    zh: ['钉钉集成', '希望和钉钉集成', '能否支持钉钉集成通知', '钉钉集成审批'],
    en: ['DingTalk integration'],
    detail: '集团统一用钉钉办公。',
  },
  {
    area: '权限',
    type: 'feature_request',
    weight: 5,
    zh: ['数据权限按部门隔离', '希望数据权限能按部门隔离', '按部门隔离数据权限'],
    en: ['Restrict data access by department'],
    detail: '销售部和客服部不应该看到彼此的客户数据。',
  },
  {
    area: '移动端',
    type: 'bug',
    weight: 4,
    zh: ['移动端App闪退', 'App打开就闪退', '安卓App闪退'],
    en: ['Mobile app crashes on launch'],
    detail: '升级到最新版本后部分安卓机型打开即闪退。',
  },
  {
    area: '开放平台',
    type: 'question',
    weight: 3,
    zh: ['API调用限额是多少', 'API调用限额能否提高', '请问API调用限额怎么调整'],
    en: ['What is the API rate limit?'],
    detail: '夜间同步数据时经常触发限流。',
  },
];

/** What a strategic account asks for on its own: specific, often a showcase for its industry. */
const STRATEGIC_ASKS: { title: string; area: string; showcase: boolean; detail: string }[] = [
  {
    title: '私有化部署适配达梦数据库',
    area: '平台',
    showcase: true,
    detail: '信创要求,明年起新系统必须运行在国产数据库上。',
  },
  {
    title: '与SAP ERP订单数据双向同步',
    area: '集成',
    showcase: false,
    detail: '销售订单在 SAP,回款状态需要回写。',
  },
  {
    title: '集团多组织架构与分子公司数据汇总',
    area: '平台',
    showcase: true,
    detail: '集团下 30 多家子公司,需要总部统一看板。',
  },
  {
    title: '定制化季度业务回顾(QBR)报告模板',
    area: '报表',
    showcase: false,
    detail: '每季度向董事会汇报,希望直接生成品牌化报告。',
  },
  { title: '新加坡数据中心部署', area: '平台', showcase: true, detail: '东南亚业务的数据需要留在当地。' },
  {
    title: '专属SLA与7x24小时技术支持',
    area: '服务',
    showcase: false,
    detail: '核心业务系统,夜间故障需要一小时内响应。',
  },
  {
    title: '接入自有大模型做智能客服',
    area: '客服云',
    showcase: true,
    detail: '已有私有部署的大模型,希望作为知识库问答引擎。',
  },
  { title: '大屏可视化经营驾驶舱', area: '报表', showcase: true, detail: '总部展厅要展示实时经营数据。' },
  {
    title: 'Custom audit export for SOX compliance',
    area: '安全',
    showcase: false,
    detail: 'Auditors need a quarterly export of every permission change.',
  },
  { title: '麒麟操作系统客户端适配', area: '平台', showcase: false, detail: '内部终端统一换成麒麟系统。' },
  {
    title: 'Multi-currency revenue reporting by subsidiary',
    area: '报表',
    showcase: false,
    detail: 'Subsidiaries bill in USD, EUR and SGD.',
  },
  {
    title: '审批流支持条件分支与会签',
    area: '流程',
    showcase: false,
    detail: '超过 50 万的合同需要法务与财务会签。',
  },
  {
    title: '门店巡检数据与总部BI打通',
    area: '集成',
    showcase: true,
    detail: '全国 800 家门店的巡检结果要进总部 BI。',
  },
  {
    title: '医保合规字段脱敏展示',
    area: '安全',
    showcase: false,
    detail: '患者身份证号与手机号在列表页需要脱敏。',
  },
  {
    title: '按产线核算客户使用成本',
    area: '报表',
    showcase: false,
    detail: '财务要按 CRM、营销云分别核算成本。',
  },
  {
    title: 'Dedicated sandbox environment for UAT',
    area: '平台',
    showcase: false,
    detail: 'Every release goes through two weeks of user acceptance testing.',
  },
  { title: '与用友NC凭证自动对接', area: '集成', showcase: false, detail: '回款确认后自动生成财务凭证。' },
  {
    title: '行业标杆案例联合发布会',
    area: '市场',
    showcase: true,
    detail: '客户愿意作为制造业标杆案例联合发布。',
  },
];

const LATER: Record<string, string[]> = {
  feature_request: ['under_review', 'planned', 'in_progress', 'shipped', 'declined'],
  bug: ['in_progress', 'shipped'],
  complaint: ['under_review', 'in_progress', 'shipped'],
  question: ['shipped'],
};

export const generateRequests: DemoExtension = async ({ ctx, accounts, days, random: r }) => {
  const live = accounts.filter((a) => !a.churned);
  if (live.length === 0) return;
  const end = today(ctx);
  const span = Math.max(14, Math.min(days, 180));
  const ids = accounts.map((a) => a.id);
  const owners = new Map([...(await accountRefs(ctx, ids))].map(([id, a]) => [id, a.ownerId]));
  const contacts = new Map<string, string[]>();
  for (const c of await contactRefsOf(ctx, ids))
    contacts.set(c.accountId, [...(contacts.get(c.accountId) ?? []), c.id]);
  const [manager] = await listUserRefs(ctx, { roles: ['manager'] });
  const as = (
    userId: string | null | undefined,
    role: 'csm' | 'manager',
    day: string,
    hour: number,
  ): Ctx => ({
    ...ctx,
    // Today's hours may still be ahead: nothing is logged in the future.
    now: () => {
      const at = new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`);
      const now = ctx.now();
      return at > now ? now : at;
    },
    actor: userId ? { kind: 'user', userId, role, via: 'session', scopes: ['read', 'write'] } : ctx.actor,
  });

  type Planned = {
    accountId: string;
    title: string;
    area: string;
    type: Theme['type'];
    detail: string;
    showcase: boolean;
  };
  const planned: Planned[] = [];
  const big = live.filter((a) => a.arr >= 1_000_000);
  for (const a of big) {
    for (const ask of r.sample(STRATEGIC_ASKS, r.int(1, 2))) {
      planned.push({
        accountId: a.id,
        title: ask.title,
        area: ask.area,
        type: 'feature_request',
        detail: ask.detail,
        showcase: ask.showcase,
      });
    }
  }
  // About 15% of the other accounts ask for something: a few hundred requests in a 2,000-account demo.
  const others = live.filter((a) => a.arr < 1_000_000);
  const count = Math.min(400, Math.max(12, Math.round(others.length * 0.15)));
  for (const a of r.sample(others, count)) {
    const theme = r.weighted(THEMES.map((t) => [t, t.weight] as const));
    const english = r.chance(0.12);
    const title = r.pick(english ? theme.en : theme.zh);
    planned.push({
      accountId: a.id,
      title,
      area: theme.area,
      type: theme.type,
      detail: theme.detail,
      showcase: false,
    });
  }
  // Logged in the order they happened.
  const dated = planned
    .map((p) => ({ ...p, day: addDays(end, -r.int(0, span - 1)), hour: r.int(9, 18) }))
    .sort((x, y) => x.day.localeCompare(y.day) || x.hour - y.hour);

  for (const p of dated) {
    const pool = contacts.get(p.accountId) ?? [];
    const made = await createRequest({
      ctx: as(owners.get(p.accountId), 'csm', p.day, p.hour),
      input: {
        accountId: p.accountId,
        contactId: pool.length && r.chance(0.7) ? r.pick(pool) : null,
        type: p.type,
        productArea: p.area,
        title: p.title,
        description: p.detail,
        showcase: p.showcase,
      },
    });
    // Older asks have moved on: product reviewed, planned, shipped or declined them.
    const age = daysBetween(p.day, end);
    if (age >= 3 && r.chance(Math.min(0.8, age / span + 0.1))) {
      await updateRequest({
        ctx: as(manager?.id, 'manager', addDays(p.day, r.int(3, Math.min(30, age))), 15),
        id: made.id,
        input: { status: r.pick(LATER[p.type]!) as never },
      });
    }
  }

  // A manager folds each theme's English asks into its Chinese group (different scripts share no grams).
  const rows: { id: string; title: string; group_id: string | null }[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRequests({
      ctx,
      input: ListRequests.parse({ sort: 'oldest', limit: 200, cursor }),
    });
    rows.push(...page.items.map((x) => ({ id: x.id, title: x.title, group_id: x.groupId })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  for (const theme of THEMES) {
    const zh = rows.filter((x) => theme.zh.includes(x.title));
    const en = rows.filter((x) => theme.en.includes(x.title));
    const zhGroup = zh.find((x) => x.group_id)?.group_id;
    if (!zhGroup || en.length === 0) continue;
    const enGroups = [...new Set(en.map((x) => x.group_id).filter((g): g is string => g !== null))];
    await mergeRequests({
      ctx: as(manager?.id, 'manager', end, 17),
      input: { groupIds: [zhGroup, ...enGroups], requestIds: en.filter((x) => !x.group_id).map((x) => x.id) },
    });
  }
};
