import { type Ctx, inTransaction } from '../context.ts';
import { type Candidate, fromSegment, ingestBatch } from '../modules/ingest/index.ts';
import { createFeature, createMetric } from '../modules/metrics/index.ts';
import { addDays, daysBetween, today } from '../time.ts';
import type { DemoAccount } from './extension.ts';
import type { Random } from './random.ts';

// Seed 004: value behaviours (reports run, dashboards shared, approvals) show the product paying
// off; basic behaviours (logins, imports, chat) are routine.
const METRICS = [
  { key: 'logins', name: '登录次数', aggregation: 'count', eventNames: ['Login'], behaviour: 'basic' },
  {
    key: 'active_users',
    name: '活跃用户',
    aggregation: 'distinct_users',
    eventNames: [
      'Login',
      'Report Run',
      'Dashboard Viewed',
      'Dashboard Shared',
      'Approval Completed',
      'Data Imported',
      'Chat Message',
    ],
    behaviour: 'basic',
  },
  {
    key: 'reports_run',
    name: '报表运行',
    aggregation: 'count',
    eventNames: ['Report Run'],
    behaviour: 'value',
  },
  {
    key: 'dashboards_shared',
    name: '仪表盘分享',
    aggregation: 'count',
    eventNames: ['Dashboard Shared'],
    behaviour: 'value',
  },
  {
    key: 'approvals',
    name: '审批完成',
    aggregation: 'count',
    eventNames: ['Approval Completed'],
    behaviour: 'value',
  },
  {
    key: 'rows_imported',
    name: '导入数据行数',
    aggregation: 'sum',
    eventNames: ['Data Imported'],
    valueProperty: 'rows',
    behaviour: 'basic',
  },
  { key: 'api_calls', name: 'API 调用', aggregation: 'count', eventNames: ['API Call'], behaviour: 'basic' },
] as const;

const FEATURES = [
  { key: 'reporting', name: '报表', eventNames: ['Report Run', 'Report Exported'] },
  { key: 'dashboards', name: '仪表盘', eventNames: ['Dashboard Viewed', 'Dashboard Shared'] },
  { key: 'workflow', name: '审批流', eventNames: ['Approval Requested', 'Approval Completed'] },
  { key: 'data_import', name: '数据导入', eventNames: ['Data Imported'] },
  { key: 'api', name: '开放 API', eventNames: ['API Call'] },
  { key: 'chat', name: '在线客服', eventNames: ['Chat Message'] },
];

/** What a user does in a working session, with weights; value actions need adoption. */
const ACTIONS: [string, number][] = [
  ['Dashboard Viewed', 5],
  ['Report Run', 4],
  ['Report Exported', 1],
  ['Dashboard Shared', 1],
  ['Approval Requested', 2],
  ['Approval Completed', 2],
  ['Data Imported', 1],
  ['Chat Message', 2],
];

/**
 * A fading account's usage: normal until its trouble starts, then fading over two and a half
 * months to a trickle, as seed 004's renewed-vs-churned thresholds assume: the signal shows months
 * before the renewal date, not on it.
 */
function fade(fadeFrom: string | null, day: string): number {
  if (!fadeFrom || day < fadeFrom) return 1;
  return Math.max(0.1, 1 - (0.9 * daysBetween(fadeFrom, day)) / 75);
}

/** Chinese New Year week and the October golden week: most customers are away. */
function seasonal(day: string): number {
  const md = day.slice(5);
  if (md >= '10-01' && md <= '10-07') return 0.15;
  if (md >= '01-28' && md <= '02-04') return 0.2;
  return 1;
}

/**
 * About `days` of product usage for the demo accounts, sent through the real ingest write path
 * (Segment-shaped group and track calls) so rollups, identities and stats are what clients would
 * produce. Accounts follow their archetype (extension.ts): growing, steady, declining, or fading
 * (fading out before a churn). Weekends are quiet; holidays dip.
 */
export async function generateUsage(
  ctx: Ctx,
  accounts: DemoAccount[],
  days: number,
  r: Random,
  onStep?: (done: number, total: number) => void,
) {
  await inTransaction(ctx, async (tx) => {
    for (const m of METRICS) await createMetric({ ctx: tx, input: { ...m } as never });
    for (const f of FEATURES) await createFeature({ ctx: tx, input: f });
  });
  const end = today(ctx);
  const start = addDays(end, -days + 1);
  let batch: Candidate[] = [];
  let sent = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await ingestBatch(ctx, batch, ctx.now());
    sent += batch.length;
    batch = [];
  };
  const send = async (message: Record<string, unknown>) => {
    batch.push(fromSegment(message));
    // Large transactions: each commit writes the batch's index pages and checkpoints them, so
    // 10,000 events a batch instead of 2,000 took the usage phase from 39.7 to 31.6 s (2,000 accounts).
    if (batch.length >= 10_000) await flush();
  };

  for (const [index, a] of accounts.entries()) {
    if (index % 50 === 0) onStep?.(index, accounts.length);
    const users = Math.max(1, Math.min(6, Math.round(Math.sqrt(a.seats) * (0.3 + r.next() * 0.5))));
    const adoption = 0.3 + r.next() * 0.6; // share of sessions that reach value actions
    const apiUser = r.chance(0.15);
    for (let u = 1; u <= users; u++) {
      await send({
        type: 'group',
        userId: `${a.externalId}-U${u}`,
        groupId: a.externalId,
        messageId: `demo-${a.externalId}-g${u}`,
        timestamp: `${a.goLiveDate > start ? a.goLiveDate : start}T01:00:00.000Z`,
      });
    }
    for (let d = 0; d < days; d++) {
      const day = addDays(start, d);
      if (day < a.goLiveDate) continue;
      const progress = d / days;
      // The account's trend (drawn before its contracts, and what made it more or less likely to
      // churn); after a churn, almost nothing.
      const trend =
        a.churnedOn && day > a.churnedOn
          ? 0.02
          : a.archetype === 'growing'
            ? 0.6 + 0.6 * progress
            : a.archetype === 'declining'
              ? 1.05 - 0.4 * progress
              : a.archetype === 'fading'
                ? fade(a.fadeFrom, day)
                : 0.9;
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      const weekend = weekday === 0 || weekday === 6 ? 0.12 : 1;
      const pActive = Math.min(0.95, 0.3 * trend * weekend * seasonal(day));
      for (let u = 1; u <= users; u++) {
        if (!r.chance(pActive)) continue;
        const userId = `${a.externalId}-U${u}`;
        const hour = 1 + r.int(0, 9); // 09:00-18:00 in China, as UTC
        const at = (minute: number) =>
          `${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;
        let n = 0;
        const track = (event: string, properties: Record<string, unknown> = {}) =>
          send({
            type: 'track',
            userId,
            event,
            properties,
            context: { groupId: a.externalId },
            messageId: `demo-${a.externalId}-${day}-${u}-${n}`,
            timestamp: at(Math.min(59, n++ * 3)),
          });
        await track('Login');
        const actions = r.int(0, 2);
        for (let k = 0; k < actions; k++) {
          const [event] = r.chance(adoption)
            ? (r.weighted(ACTIONS.map(([e, w]) => [[e], w] as const)) as [string])
            : ['Dashboard Viewed'];
          await track(
            event,
            event === 'Data Imported'
              ? { rows: r.int(50, 5000) }
              : event === 'Report Run'
                ? { report: r.pick(['销售漏斗', '回款分析', '客户分布', '业绩排名']) }
                : {},
          );
        }
      }
      if (apiUser && weekend === 1 && trend > 0.2) {
        const calls = r.int(1, 4);
        for (let k = 0; k < calls; k++) {
          await send({
            type: 'track',
            anonymousId: `${a.externalId}-integration`,
            event: 'API Call',
            properties: { endpoint: r.pick(['/orders', '/customers', '/invoices']) },
            context: { groupId: a.externalId },
            messageId: `demo-${a.externalId}-${day}-api-${k}`,
            timestamp: `${day}T0${r.int(0, 9)}:30:00.000Z`,
          });
        }
      }
    }
  }
  await flush();
  onStep?.(accounts.length, accounts.length);
  return { events: sent };
}
