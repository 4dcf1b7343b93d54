// The QBR report through the API: HTML in both languages with the account's requests (shipped
// first) and NPS, success-plan KPIs against targets, the ROI computed from them (with its
// arithmetic), milestones, tickets and next quarter's plan; templates per tier and chosen sections;
// and a PDF with Noto Sans SC embedded whose text (read back with pdftotext when poppler is
// installed) is the Chinese report.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordMilestones } from '../../src/modules/plans/index.ts';
import { addDays, dayInZone } from '../../src/time.ts';
import {
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

const api = (path: string) => `/api/v1${path}`;
let t: TestApp;
let ws: TestWorkspace;
let admin: Client;
let id: string;
let bare: string;
let T: string;

const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'QBR');
  admin = client(t.app, ws.users.admin.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  const acc = await admin.post(api('/accounts'), {
    externalId: 'QBR-1',
    name: '杭州云帆科技',
    ownerId: ws.users.csm.id,
    goLiveDate: addDays(T, -200),
  });
  id = acc.body.id;
  bare = (await admin.post(api('/accounts'), { externalId: 'QBR-2', name: 'Bare Ltd' })).body.id;
  await admin.post(api('/contracts'), {
    accountId: id,
    startDate: addDays(T, -200),
    endDate: addDays(T, 165),
    amount: 120_000,
  });
  const r1 = await admin.post(api('/requests'), { accountId: id, title: '批量导出报表' });
  await admin.post(api('/requests'), { accountId: id, title: 'SSO login' });
  await admin.patch(api(`/requests/${r1.body.id}`), { status: 'shipped' });
  const at = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
  for (const [score, d, comment] of [
    [10, 5, '上线很顺利'],
    [9, 20, null],
    [4, 30, 'Reports are slow'],
  ] as const)
    await admin.post(api('/surveys/responses'), {
      accountId: id,
      kind: 'nps',
      score,
      answeredAt: at(d),
      comment,
    });
  await admin.post(api('/surveys/responses'), { accountId: id, kind: 'csat', score: 5, answeredAt: at(3) });

  // A success plan with the customer's KPIs: a monthly cost (money), monthly manual hours (time)
  // and efficiency (%, not valued), one step due next quarter made into a task.
  const plan = await admin.post(api(`/accounts/${id}/plans`), {
    name: '降本增效计划',
    startDate: addDays(T, -120),
  });
  expect(plan.status, JSON.stringify(plan.body)).toBe(201);
  const ob = await admin.post(api(`/plans/${plan.body.id}/objectives`), {
    title: 'Cut operating cost',
    dueDate: addDays(T, 30),
    status: 'in_progress',
  });
  expect(ob.status, JSON.stringify(ob.body)).toBe(201);
  const objectiveId = ob.body.objectives.at(-1).id;
  const kpi = async (body: Record<string, unknown>, values: [number, number][]) => {
    const k = await admin.post(api(`/plan-objectives/${objectiveId}/kpis`), body);
    expect(k.status, JSON.stringify(k.body)).toBe(201);
    const created = k.body.objectives.at(-1).kpis.at(-1);
    for (const [d, value] of values) {
      const v = await admin.post(api(`/plan-kpis/${created.id}/values`), { value, day: addDays(T, -d) });
      expect(v.status, JSON.stringify(v.body)).toBe(201);
    }
  };
  await kpi(
    {
      name: 'Monthly operating cost',
      unit: 'CNY/month',
      direction: 'decrease',
      baseline: 50_000,
      target: 40_000,
    },
    [
      [100, 49_000],
      [10, 42_000],
    ],
  );
  await kpi({ name: 'Manual work', unit: 'hours/month', direction: 'decrease', baseline: 800, target: 500 }, [
    [5, 600],
  ]);
  await kpi({ name: 'Efficiency', unit: '%', direction: 'increase', baseline: 0, target: 30 }, [[5, 27.5]]);
  const step = await admin.post(api(`/plan-objectives/${objectiveId}/steps`), {
    title: 'Review the cost report with the CFO',
    taskType: 'qbr',
    dueDate: addDays(T, 20),
  });
  expect(step.status, JSON.stringify(step.body)).toBe(201);
  const stepId = step.body.objectives.at(-1).steps.at(-1).id;
  expect((await admin.post(api(`/plan-steps/${stepId}/task`), {})).status).toBeLessThan(300);
  await recordMilestones(ws.ctx, T);

  // Tickets: one solved in the period (a day to solve), one open, one long before the period.
  const iso = (d: number, h = 0) => new Date(Date.now() - d * 86_400_000 + h * 3_600_000).toISOString();
  const hook = await t.app.request(api('/tickets/webhook'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ws.users.admin.token}` },
    body: JSON.stringify({
      tickets: [
        {
          externalId: 'T1',
          accountId: id,
          subject: 'Login slow',
          status: 'solved',
          createdAt: iso(30),
          solvedAt: iso(30, 24),
          satisfaction: 5,
        },
        {
          externalId: 'T2',
          accountId: id,
          subject: '发票导出失败',
          status: 'open',
          priority: 'high',
          createdAt: iso(3),
        },
        {
          externalId: 'T3',
          accountId: id,
          subject: 'Ancient',
          status: 'solved',
          createdAt: iso(200),
          solvedAt: iso(199),
        },
      ],
    }),
  });
  expect(hook.status, await hook.clone().text()).toBe(200);
}, 60_000);
afterAll(async () => t?.close());

describe('QBR report', () => {
  it('renders the HTML page in English with requests shipped first and NPS', async () => {
    const res = await admin.get(api(`/accounts/${id}/reports/qbr?format=html&locale=en`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = res.body as string;
    expect(html).toContain('Quarterly business review · 杭州云帆科技');
    expect(html).toContain('Your feedback: NPS and CSAT');
    // 2 promoters, 1 detractor of 3: 33.3.
    expect(html).toContain('33.3 · 3 answers');
    expect(html.indexOf('批量导出报表')).toBeLessThan(html.indexOf('SSO login'));
    expect(html).toContain('1 shipped, 1 open');
    expect(html).not.toContain('<script');
  });

  it('renders the Chinese page with no English labels', async () => {
    const res = await admin.get(api(`/accounts/${id}/reports/qbr?locale=zh-CN`));
    const html = res.body as string;
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain('季度业务回顾 · 杭州云帆科技');
    expect(html).toContain('您的反馈：NPS 与 CSAT');
    expect(html).toContain('已上线');
    for (const english of ['Quarterly', 'Your requests', 'answers', 'Health score', 'shipped'])
      expect(html).not.toContain(english);
  });

  it('returns a PDF with the CJK font embedded whose text is the Chinese report', async () => {
    const started = Date.now();
    const res = await t.app.request(api(`/accounts/${id}/reports/qbr?format=pdf&locale=zh-CN`), {
      headers: { authorization: `Bearer ${ws.users.admin.token}` },
    });
    const ms = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('qbr-QBR-1-');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC/);
    // Subset: far below the font's 10 MB.
    expect(pdf.length).toBeLessThan(400_000);
    expect(ms).toBeLessThan(20_000);
    if (hasPdftotext) {
      const file = join(mkdtempSync(join(tmpdir(), 'qbr-')), 'qbr.pdf');
      writeFileSync(file, pdf);
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString();
      expect(text).toContain('季度业务回顾');
      expect(text).toContain('杭州云帆科技');
      expect(text).toContain('您的需求');
      expect(text).toContain('批量导出报表');
      for (const heading of ['投资回报', '下季度计划', '客户旅程里程碑', '支持工单', '发票导出失败'])
        expect(text).toContain(heading);
    }
  });

  it('shows KPI progress, the ROI with its arithmetic, milestones, tickets and next quarter', async () => {
    const res = await admin.get(api(`/accounts/${id}/reports/qbr?locale=en`));
    expect(res.status).toBe(200);
    const html = res.body as string;
    for (const heading of [
      'Your goals: KPI progress against targets',
      'Return on investment',
      'Journey milestones',
      'Support tickets',
      'Your requests',
      'Next quarter&#39;s plan',
    ])
      expect(html).toContain(heading);
    // KPIs: at the period's start (49,000, entered 100 days ago) and end (42,000), against 40,000.
    expect(html).toMatch(
      /Monthly operating cost \(CNY\/month\)<\/td><td class="num">50,000<\/td><td class="num">49,000<\/td><td class="num">42,000<\/td><td class="num">40,000<\/td>/,
    );
    // 8,000 a month better than the baseline, x 12 = 96,000 a year; against ARR 120,000: 0.8.
    expect(html).toContain(
      'Monthly operating cost: 50,000 → 42,000 (CNY/month), +8,000 × 12 (a year) = CN¥96,000',
    );
    expect(html).toContain('Manual work: 800 → 600 (hours/month), +200 × 12 (a year) = 2,400 hours');
    expect(html).toContain('CN¥96,000 ÷ CN¥120,000 = 0.8×');
    expect(html).toContain('no hourly cost was given');
    expect(html).toContain('Efficiency: 0 → 27.5 (%), +27.5');
    // Milestones: went live 200 days ago, nothing reached: day 30, 90 and 180 are late.
    expect(html).toContain('0 achieved, 0 due, 3 late');
    // Tickets: 2 opened in the period, 1 solved in 24 hours, 1 open; the open one first; the old one out.
    expect(html).toContain('<dt>Opened in the period</dt><dd>2</dd>');
    expect(html).toContain('<dt>Median time to solve</dt><dd>24 hours</dd>');
    expect(html.indexOf('发票导出失败')).toBeLessThan(html.indexOf('Login slow'));
    expect(html).not.toContain('Ancient');
    // Next quarter: the open objective and the step with its task.
    expect(html).toContain('Cut operating cost (降本增效计划)');
    expect(html).toMatch(
      new RegExp(
        `Review the cost report with the CFO \\(Cut operating cost\\)</td><td[^>]*>${addDays(T, 20)}</td><td>open</td>`,
      ),
    );
    // The sections in the report's order: goals and value before usage.
    expect(html.indexOf('id="kpis"')).toBeLessThan(html.indexOf('id="roi"'));
    expect(html.indexOf('id="roi"')).toBeLessThan(html.indexOf('id="usage"'));
    expect(html.indexOf('id="voice"')).toBeLessThan(html.indexOf('id="nextQuarter"'));
  });

  it('values the hours saved at a given hourly cost and sets the total against ARR', async () => {
    const html = (await admin.get(api(`/accounts/${id}/reports/qbr?locale=en&hourlyCost=100`)))
      .body as string;
    // 2,400 h x 100 = 240,000; + 96,000 = 336,000; / 120,000 = 2.8.
    expect(html).toContain('= 2,400 hours × CN¥100 an hour = CN¥240,000');
    expect(html).toContain(
      '<dt>Value delivered (a year, for KPIs measured per period)</dt><dd>CN¥336,000</dd>',
    );
    expect(html).toContain('CN¥336,000 ÷ CN¥120,000 = 2.8×');
  });

  it('says in words when nothing can be valued', async () => {
    const html = (await admin.get(api(`/accounts/${bare}/reports/qbr?locale=en`))).body as string;
    expect(html).toContain(
      'The ROI cannot be computed: the account has no success-plan KPIs for this period.',
    );
    expect(html).toContain('No success plan with KPIs ran in this period.');
    expect(html).toContain('No go-live date: the journey has not started.');
    expect(html).toContain('No open objectives and no plan steps due in the next quarter.');
  });

  it('follows the template: the light one leaves out tickets and requests; sections= picks them', async () => {
    const light = (await admin.get(api(`/accounts/${id}/reports/qbr?locale=en&template=light`)))
      .body as string;
    expect(light).toContain('Summary review');
    expect(light).toContain('Return on investment');
    expect(light).not.toContain('Support tickets');
    expect(light).not.toContain('Your requests');
    const some = (await admin.get(api(`/accounts/${id}/reports/qbr?locale=en&sections=roi,nextQuarter`)))
      .body as string;
    expect([...some.matchAll(/<section id="(\w+)"/g)].map((m) => m[1])).toEqual([
      'summary',
      'roi',
      'nextQuarter',
    ]);
  });

  it('words the new sections in Chinese', async () => {
    const html = (await admin.get(api(`/accounts/${id}/reports/qbr?locale=zh-CN`))).body as string;
    for (const zh of [
      '您的目标：KPI 进展与目标',
      '投资回报（ROI）',
      '客户旅程里程碑',
      '支持工单',
      '下季度计划',
      '× 12（折合一年） = ¥96,000',
      '已逾期',
      '处理中',
    ])
      expect(html).toContain(zh);
    for (const english of ['on track', 'behind', 'Opened in the period', 'overdue', ' hours', 'a year'])
      expect(html).not.toContain(english);
  });

  it('answers a bad period with 400 naming the field and an unknown account with 404', async () => {
    const bad = await admin.get(api(`/accounts/${id}/reports/qbr?from=${T}&to=${addDays(T, -5)}`));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('from');
    const fmt = await admin.get(api(`/accounts/${id}/reports/qbr?format=docx`));
    expect(fmt.status).toBe(400);
    expect(errorCode(await admin.get(api('/accounts/nope/reports/qbr')))).toBe('not_found');
    const sections = await admin.get(api(`/accounts/${id}/reports/qbr?sections=roi,forecast`));
    expect(sections.status).toBe(400);
    expect(sections.body.error.details.issues[0].path).toMatch(/^sections/);
    const cost = await admin.get(api(`/accounts/${id}/reports/qbr?hourlyCost=-5`));
    expect(cost.status).toBe(400);
    expect(cost.body.error.details.issues[0].path).toBe('hourlyCost');
  });
});
