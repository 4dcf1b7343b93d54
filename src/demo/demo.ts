import type { Ctx } from '../context.ts';
import { inTransaction } from '../context.ts';
import { optimizeDatabase } from '../db/index.ts';
import {
  createAccount,
  createContact,
  createContract,
  createCustomField,
  updateAccount,
  updateContract,
} from '../modules/accounts/index.ts';
import { createUser, sharedPassword, type User } from '../modules/auth/index.ts';
import { retrainChurnModel } from '../modules/churn/index.ts';
import { recompute } from '../modules/recompute/index.ts';
import { addNote, type NOTE_TYPES } from '../modules/timeline/index.ts';
import { addDays, daysBetween, today } from '../time.ts';
import { automationDemo } from './automation.ts';
import type { Archetype, DemoAccount, DemoExtension, DemoOptions } from './extension.ts';
import { type DemoPhase, type DemoProgress, demoProgress } from './progress.ts';
import { type Random, seededRandom } from './random.ts';
import { generateRequests } from './requests.ts';
import { installDemoState } from './state.ts';
import { surveysDemo } from './surveys.ts';
import { tasksDemo } from './tasks.ts';
import { teamDemo } from './team.ts';
import { generateTickets } from './tickets.ts';
import { generateUsage } from './usage.ts';
import { valueDemo } from './value.ts';

/**
 * The parts of the demo that run after accounts, usage and the state history exist, in order: each
 * gets the same seeded random source and must be deterministic for a given seed. They live beside
 * this file and write through the modules' verbs; no module imports the demo.
 */
export const demoExtensions: { phase: DemoPhase; run: DemoExtension }[] = [];
// CSM groups sized to the book, every account assigned, renewal stages.
demoExtensions.push({ phase: 'team', run: teamDemo });
// Manual tasks with follow-ups for the demo CSMs (some overdue, some done).
demoExtensions.push({ phase: 'tasks', run: tasksDemo });
// Rules and playbooks over the backfilled days (after the recompute history exists).
demoExtensions.push({ phase: 'automation', run: automationDemo });
demoExtensions.push({ phase: 'requests', run: generateRequests });
// Success plans, KPIs over time, opportunities near renewal, milestones over the history.
demoExtensions.push({ phase: 'value', run: valueDemo });
// A help desk's last four months of tickets (after requests, with its own seeded source).
demoExtensions.push({ phase: 'requests', run: generateTickets });
// NPS waves and CSAT answers that follow each account's health (after the state history exists).
demoExtensions.push({ phase: 'surveys', run: surveysDemo });
// The churn model learnt from the demo's own history (last: it reads everything above), so a
// newcomer's Risk page shows a model at once instead of waiting for Sunday's retrain.
// Today's state again once it is published, so the churn risk kept with each account's state (and
// the renewals' probabilities read from it) is the model's from the start, not after the next hour
// (the pass also clears the retrain's marks, so a server does not start by recomputing them).
demoExtensions.push({
  phase: 'risk',
  run: async ({ ctx }) => {
    await retrainChurnModel({ ctx });
    await recompute({ ctx, input: {} });
  },
});

const REGIONS = [
  ['华东', 30],
  ['华北', 22],
  ['华南', 20],
  ['华中', 10],
  ['西南', 9],
  ['西北', 5],
  ['东北', 4],
] as const;
const CITIES: Record<string, string[]> = {
  华东: ['上海', '杭州', '南京', '苏州', '宁波', '合肥', '济南', '青岛'],
  华北: ['北京', '天津', '石家庄', '太原', '呼和浩特'],
  华南: ['深圳', '广州', '东莞', '佛山', '厦门', '福州', '南宁'],
  华中: ['武汉', '长沙', '郑州', '南昌'],
  西南: ['成都', '重庆', '昆明', '贵阳'],
  西北: ['西安', '兰州', '银川', '乌鲁木齐'],
  东北: ['沈阳', '大连', '长春', '哈尔滨'],
};
const INDUSTRIES = [
  ['制造', '智造'],
  ['零售', '商贸'],
  ['金融', '金服'],
  ['教育', '教育科技'],
  ['医疗', '医疗科技'],
  ['互联网', '网络科技'],
  ['物流', '供应链'],
  ['能源', '新能源'],
] as const;
const WORDS = [
  '云帆',
  '星河',
  '蓝海',
  '鼎盛',
  '华信',
  '远航',
  '明德',
  '恒通',
  '博雅',
  '中科',
  '天成',
  '嘉禾',
  '锐思',
  '启明',
  '东方',
  '金桥',
  '瑞丰',
  '海纳',
  '卓越',
  '领航',
  '新元',
  '同创',
  '安泰',
  '信达',
];
const PRODUCT_LINES = ['CRM', '数据分析', '营销云', '客服云'];
const TAGS = ['标杆客户', '重点关注', 'API集成', '多组织', '私有化部署', '海外业务'];
const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '罗',
  '高',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '磊',
  '洋',
  '艳',
  '勇',
  '杰',
  '婷',
  '强',
  '军',
  '丽',
  '涛',
  '明',
  '超',
  '霞',
  '平',
  '刚',
  '欣然',
  '子涵',
  '浩然',
  '思远',
];
const TITLES = [
  ['CIO', 'decision_maker'],
  ['IT总监', 'decision_maker'],
  ['财务总监', 'economic_buyer'],
  ['销售运营经理', 'champion'],
  ['系统管理员', 'admin'],
  ['业务分析师', 'user'],
  ['销售经理', 'user'],
  ['客服主管', 'influencer'],
] as const;

// ARR bands in CNY, per the seeds' tiering: most accounts are small, a few are very large.
const ARR_BANDS = [
  [[20_000, 99_000], 58],
  [[100_000, 299_000], 26],
  [[300_000, 990_000], 12],
  [[1_000_000, 3_600_000], 4],
] as const;

const NOTE_TEXT: Record<(typeof NOTE_TYPES)[number], string[]> = {
  note: [
    '客户反馈报表导出慢，已提交工单跟进',
    '客户计划下季度扩展到华南分公司',
    '关键联系人变更，需要重新建立关系',
    '客户对新版仪表盘评价积极',
  ],
  call: [
    '电话回访：确认上线进度，培训安排在下周',
    '电话沟通续约意向，客户要求提供使用报告',
    '电话跟进工单处理结果，客户满意',
  ],
  meeting: [
    '季度业务回顾（QBR）：回顾使用数据与ROI，讨论扩展模块',
    '上线启动会：明确里程碑与负责人',
    '高层拜访：介绍产品路线图',
  ],
  email: ['发送月度使用报告', '发送新功能介绍与培训邀请', '发送续约报价单'],
};

const personName = (r: Random) => r.pick(SURNAMES) + r.pick(GIVEN);

function pinyinish(r: Random, i: number) {
  return `${['wang', 'li', 'zhang', 'liu', 'chen', 'yang', 'zhao', 'huang'][i % 8]}${r.int(10, 99)}${i}`;
}

/**
 * Fills a workspace with a realistic, seed-deterministic customer base: CSMs and managers, accounts
 * over ARR bands, regions, industries and product lines, contract histories with renewals,
 * expansions and churn, contacts, and back-dated notes. Every row is written through the module
 * verbs with the clock set to when it happened, so timelines and audit rows read as real history.
 */
export async function generateDemo(
  ctx: Ctx,
  options: DemoOptions,
  onProgress?: (p: DemoProgress) => void,
): Promise<{
  accounts: number;
  users: number;
  contracts: number;
  contacts: number;
  events: number;
  /** Seconds each phase took. */
  phases: Partial<Record<DemoPhase, number>>;
}> {
  const progress = demoProgress(onProgress);
  progress.start('staff');
  const r = seededRandom(options.seed);
  const day0 = today(ctx);
  // The clock of each write is set to when it happened; `base` must be the transaction's ctx
  // (on SQLite a write through any other handle would wait forever for the one connection).
  const at =
    (base: Ctx) =>
    (day: string, hour = 10): Ctx => {
      const clamped = day > day0 ? day0 : day;
      // Between midnight and the hour in Shanghai, today's hour is still ahead: never write the future.
      const instant = () => new Date(`${clamped}T${String(hour).padStart(2, '0')}:00:00+08:00`);
      return { ...base, now: () => new Date(Math.min(instant().getTime(), base.now().getTime())) };
    };
  // One random password for all demo staff, hashed once: they sign in only after an admin resets theirs.
  const shared = await sharedPassword();
  const password = shared.password;
  // Emails are unique across the installation, so staff of each demo workspace get their own
  // (the same tag as the workspace slug); without it a second demo workspace could not be created.
  const staffEmail = (local: string) => `${local}+${ctx.workspace.id.slice(-6)}@demo.steward.dev`;

  // Each staff member in their own transaction, not one for all: a server answering beside the
  // build (first start) must be able to write a sign-in between.
  const users = await (async (tx: Ctx) => {
    const made: { managers: User[]; csms: Map<string, User[]>; aes: User[] } = {
      managers: [],
      csms: new Map(),
      aes: [],
    };
    const csmCount = Math.min(25, Math.max(15, Math.round(options.accounts / 100)));
    let n = 0;
    for (const [region] of REGIONS) {
      const manager = await createUser({
        ctx: tx,
        shared,
        input: {
          email: staffEmail(`manager.${n}`),
          name: `${personName(r)}（${region}主管）`,
          role: 'manager',
          locale: 'zh-CN',
          password,
        },
      });
      made.managers.push(manager);
      n++;
    }
    const weights = REGIONS.map(([region, w]) => [region, w] as const);
    const perRegion = new Map<string, number>(REGIONS.map(([region]) => [region, 1]));
    for (let i = REGIONS.length; i < csmCount; i++) {
      const region = r.weighted(weights);
      perRegion.set(region, (perRegion.get(region) ?? 0) + 1);
    }
    for (const [region, count] of perRegion) {
      const list: User[] = [];
      for (let i = 0; i < count; i++) {
        list.push(
          await createUser({
            ctx: tx,
            shared,
            input: {
              email: staffEmail(`csm.${n}`),
              name: personName(r),
              role: 'csm',
              locale: 'zh-CN',
              password,
            },
          }),
        );
        n++;
      }
      made.csms.set(region, list);
    }
    for (let i = 0; i < 4; i++) {
      made.aes.push(
        await createUser({
          ctx: tx,
          shared,
          input: {
            email: staffEmail(`ae.${i}`),
            name: personName(r),
            role: 'viewer',
            locale: 'zh-CN',
            password,
          },
        }),
      );
    }
    await createCustomField({
      ctx: tx,
      input: {
        key: 'edition',
        label: '版本',
        type: 'single_select',
        options: ['标准版', '专业版', '旗舰版'],
      },
    });
    await createCustomField({ ctx: tx, input: { key: 'erp_system', label: 'ERP 系统', type: 'text' } });
    await createCustomField({
      ctx: tx,
      input: { key: 'strategic_logo', label: '标杆案例', type: 'boolean' },
    });
    return made;
  })(ctx);

  progress.start('accounts');
  const usageFrom = addDays(day0, -options.days + 1);
  const made: DemoAccount[] = [];
  let contracts = 0;
  let contacts = 0;
  const BATCH = 50;
  for (let start = 0; start < options.accounts; start += BATCH) {
    await inTransaction(ctx, async (tx) => {
      for (let i = start; i < Math.min(options.accounts, start + BATCH); i++) {
        const result = await demoAccount(tx, r, i, users, made, at(tx), day0, usageFrom);
        contracts += result.contracts;
        contacts += result.contacts;
      }
    });
    progress.step('accounts', Math.min(options.accounts, start + BATCH), options.accounts);
    // Let the event loop breathe between batches (a server answering beside the build).
    await new Promise((done) => setImmediate(done));
  }
  progress.start('usage');
  const usage =
    options.days > 0
      ? await generateUsage(ctx, made, options.days, r, (d, t) => progress.step('usage', d, t))
      : { events: 0 };
  // The tables were empty when this process opened the database: statistics for what is now there,
  // before the history's and the extensions' queries are planned.
  await optimizeDatabase(ctx.db, ctx.engine);
  progress.start('history');
  await installDemoState(ctx, options.days, (d, t) => progress.step('history', d, t));
  for (const extension of demoExtensions) {
    progress.start(extension.phase);
    await extension.run({ ctx, accounts: made, days: options.days, random: r });
  }
  const phases = progress.finish();
  const userCount =
    users.managers.length + users.aes.length + [...users.csms.values()].reduce((s, l) => s + l.length, 0);
  return { accounts: made.length, users: userCount, contracts, contacts, events: usage.events, phases };
}

/** How much each usage trend moves the odds of churning at a renewal (log odds). */
const ARCHETYPE_LOG_ODDS: Record<Archetype, number> = {
  growing: -2.2,
  steady: -1.2,
  declining: 0.9,
  fading: 2.9,
};

/** The chance a renewal inside the usage window churns: the size's odds moved by the signals. */
function signalRisk(sizeRisk: number, archetype: Archetype, troubled: boolean): number {
  const logOdds = Math.log(sizeRisk / (1 - sizeRisk)) + ARCHETYPE_LOG_ODDS[archetype] + (troubled ? 1 : 0);
  return 1 / (1 + Math.exp(-logOdds));
}

async function demoAccount(
  ctx: Ctx,
  r: Random,
  i: number,
  users: { csms: Map<string, User[]>; aes: User[] },
  made: DemoAccount[],
  at: (day: string, hour?: number) => Ctx,
  day0: string,
  usageFrom: string,
) {
  const region = r.weighted(REGIONS.map(([name, w]) => [name, w] as const));
  const [industry, suffix] = r.pick(INDUSTRIES);
  const city = r.pick(CITIES[region]!);
  const name = `${city}${r.pick(WORDS)}${suffix}${r.chance(0.5) ? '股份' : ''}有限公司`;
  const [lo, hi] = r.weighted(ARR_BANDS.map(([band, w]) => [band, w] as const));
  const arr = Math.round(r.int(lo, hi) / 1000) * 1000;
  const seats = Math.max(5, Math.round(arr / r.int(1500, 4000)));
  const goLive = addDays(day0, -r.int(20, 730));
  const archetype = r.weighted<Archetype>([
    ['growing', 25],
    ['steady', 43],
    ['declining', 20],
    ['fading', 12],
  ]);
  const troubled = r.chance(0.15);
  const owner = r.chance(0.96) ? r.pick(users.csms.get(region)!) : undefined;
  const parent = made.length > 20 && r.chance(0.03) ? r.pick(made) : undefined;
  const edition =
    arr >= 1_000_000
      ? '旗舰版'
      : arr >= 300_000
        ? r.pick(['专业版', '旗舰版'])
        : r.pick(['标准版', '专业版']);
  const team = [
    ...(owner ? [{ userId: owner.id, role: 'csm' as const }] : []),
    { userId: r.pick(users.aes).id, role: 'ae' as const },
  ];
  const account = await createAccount({
    ctx: at(addDays(goLive, -30)),
    input: {
      externalId: `C${String(100000 + i)}`,
      name,
      parentId: parent?.id ?? null,
      ownerId: owner?.id ?? null,
      region,
      industry,
      productLines: r.sample(PRODUCT_LINES, arr > 300_000 ? r.int(2, 4) : r.int(1, 2)),
      licensedSeats: seats,
      goLiveDate: goLive,
      tags: r.sample(
        TAGS,
        r.weighted([
          [0, 50],
          [1, 35],
          [2, 15],
        ] as const),
      ),
      customFields: {
        edition,
        ...(r.chance(0.6) ? { erp_system: r.pick(['SAP', '用友', '金蝶', 'Oracle']) } : {}),
        ...(arr >= 1_000_000 && r.chance(0.5) ? { strategic_logo: true } : {}),
      },
      team,
    },
  });

  // One-year contracts back to back from go-live; at each anniversary the account renews flat,
  // expands, downgrades or (rarely, more often when small) churns. Inside the usage window the
  // odds follow what the account's signals show (its usage trend, its support), noisily.
  const sizeRisk = arr < 100_000 ? 0.12 : arr < 300_000 ? 0.08 : 0.04;
  const churnRisk = (end: string) => (end < usageFrom ? sizeRisk : signalRisk(sizeRisk, archetype, troubled));
  const usd = r.chance(0.05);
  let contractStart = addDays(goLive, -r.int(0, 30));
  let amount = arr;
  let previous: string | undefined;
  let churned = false;
  let churnedOn: string | null = null;
  let fadeFrom: string | null = null;
  let n = 0;
  while (contractStart <= day0) {
    const end = addDays(contractStart, 364);
    // A fading account's trouble (a champion gone, a budget cut) starts two to five months before
    // its first renewal in the window; its usage fades from then, and that renewal is at risk.
    if (archetype === 'fading' && !fadeFrom && end >= usageFrom) fadeFrom = addDays(end, -r.int(60, 150));
    const contract = await createContract({
      ctx: at(contractStart, 9),
      input: {
        accountId: account.id,
        externalId: `${account.externalId}-K${n + 1}`,
        startDate: contractStart,
        endDate: end,
        amount: usd ? Math.round(amount / 7.1) : amount,
        currency: usd ? 'USD' : 'CNY',
        billingPeriod: 'annual',
        renewsContractId: previous ?? null,
      },
    });
    n++;
    if (end >= day0) {
      // Some healthy accounts in the renewal window have already signed the next term (seed 004:
      // renewal confirmed -> expansion stage).
      if (daysBetween(day0, end) <= 75 && !r.chance(churnRisk(end) * 3) && r.chance(0.45)) {
        const next = addDays(end, 1);
        await createContract({
          ctx: at(addDays(end, -r.int(5, 40)), 11),
          input: {
            accountId: account.id,
            externalId: `${account.externalId}-K${n + 1}`,
            startDate: next,
            endDate: addDays(next, 364),
            amount: usd ? Math.round(amount / 7.1) : amount,
            currency: usd ? 'USD' : 'CNY',
            billingPeriod: 'annual',
            renewsContractId: contract.id,
          },
        });
        n++;
      }
      break;
    }
    const risk = churnRisk(end);
    const outcome = r.weighted([
      ['churned', risk],
      ['expanded', 0.22 * (1 - risk)],
      ['downgraded', 0.08 * (1 - risk)],
      ['renewed', 0.7 * (1 - risk)],
    ] as const);
    await updateContract({ ctx: at(end, 18), id: contract.id, input: { status: outcome } });
    if (outcome === 'churned') {
      churned = true;
      churnedOn = end;
      break;
    }
    if (outcome === 'expanded') amount = Math.round((amount * (1 + r.int(10, 40) / 100)) / 1000) * 1000;
    if (outcome === 'downgraded') amount = Math.round((amount * (1 - r.int(10, 30) / 100)) / 1000) * 1000;
    previous = contract.id;
    contractStart = addDays(end, 1);
  }
  if (churned)
    await updateAccount({ ctx: at(day0), id: account.id, input: { tags: [...account.tags, '已流失'] } });

  const contactCount = r.int(2, arr > 300_000 ? 6 : 4);
  const titles = r.sample(TITLES, contactCount);
  for (let k = 0; k < titles.length; k++) {
    const [title, role] = titles[k]!;
    const handle = pinyinish(r, i * 10 + k);
    await createContact({
      ctx: at(goLive),
      input: {
        accountId: account.id,
        name: personName(r),
        title,
        role,
        email: `${handle}@${account.externalId.toLowerCase()}.example.cn`,
        phone: `+86 1${r.int(30, 89)}${String(r.int(0, 99_999_999)).padStart(8, '0')}`,
        wechatId: r.chance(0.7) ? `wx_${handle}` : null,
        externalUserId: `${account.externalId}-U${k + 1}`,
      },
    });
  }

  const notes = churned ? r.int(0, 2) : r.int(1, 5);
  for (let k = 0; k < notes; k++) {
    const type = r.weighted([
      ['note', 3],
      ['call', 3],
      ['meeting', 2],
      ['email', 2],
    ] as const);
    const day = addDays(day0, -r.int(1, 120));
    if (day < goLive) continue;
    await addNote({
      ctx: {
        ...at(day, 15),
        actor: owner
          ? { kind: 'user', userId: owner.id, role: 'csm', via: 'session', scopes: ['read', 'write'] }
          : ctx.actor,
      },
      accountId: account.id,
      input: { type, body: r.pick(NOTE_TEXT[type]), occurredAt: `${day}T15:00:00+08:00` },
    });
  }
  made.push({
    id: account.id,
    externalId: account.externalId,
    goLiveDate: goLive,
    arr,
    seats,
    archetype,
    troubled,
    fadeFrom,
    churned,
    churnedOn,
  });
  return { contracts: n, contacts: titles.length };
}
