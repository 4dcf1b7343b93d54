// Demo support tickets: a help desk's last four months, more tickets for bigger accounts, and for
// accounts on their way out more of everything that hurts (escalations, slow answers, low ratings),
// so the support facts and the default model's support dimension have something true to say.
// Written through upsertTicket, dated at the help desk, so no event is sent for history.
import { inTransaction } from '../context.ts';
import { upsertTicket } from '../modules/support/index.ts';
import { addDays, dayStart, today } from '../time.ts';
import type { DemoExtension } from './extension.ts';
import { seededRandom } from './random.ts';

const SUBJECTS = [
  '导出Excel报表失败',
  '单点登录后无法进入后台',
  '数据同步延迟超过一小时',
  '审批流程卡在财务节点',
  '企业微信通知收不到',
  '新员工账号无法激活',
  '仪表盘加载很慢',
  '发票信息需要修改',
  'API 调用返回 429',
  'Report export times out',
  'SSO login loop after password change',
  'Webhook deliveries are delayed',
  'Cannot invite more users',
  'Dashboard numbers do not match the export',
] as const;
const CHANNELS = ['email', 'chat', 'phone', 'web', 'wechat'] as const;
const DAYS = 120;

export const generateTickets: DemoExtension = async ({ ctx, accounts }) => {
  // Its own seeded source, so the parts before it keep their draws.
  const r = seededRandom(14_006);
  const day = today(ctx);
  const zone = ctx.workspace.timeZone;
  const now = ctx.now().getTime();
  let n = 0;
  for (let start = 0; start < accounts.length; start += 50) {
    await inTransaction(ctx, async (tx) => {
      for (const a of accounts.slice(start, start + 50)) {
        const { troubled } = a;
        const count = r.int(0, 2 + Math.round(a.seats / 60)) + (troubled ? r.int(2, 5) : 0);
        for (let i = 0; i < count; i++) {
          const opened =
            Date.parse(dayStart(addDays(day, -r.int(0, DAYS)), zone)) + r.int(8 * 60, 20 * 60) * 60_000;
          if (opened > now) continue;
          const hours = troubled ? r.int(4, 240) : r.int(1, 48);
          const solvedAt = opened + hours * 3600_000;
          const open = solvedAt > now || r.chance(troubled ? 0.25 : 0.06);
          const rated = !open && r.chance(0.6);
          const satisfaction = rated
            ? troubled
              ? r.int(1, 4)
              : r.chance(0.9)
                ? r.int(4, 5)
                : r.int(2, 3)
            : null;
          n++;
          await upsertTicket({
            ctx: tx,
            input: {
              externalId: `ZD-${10_000 + n}`,
              accountId: a.id,
              subject: r.pick(SUBJECTS),
              status: open
                ? r.pick(['open', 'pending', 'new'] as const)
                : r.chance(0.7)
                  ? 'closed'
                  : 'solved',
              priority: r.pick([
                'low',
                'normal',
                'normal',
                'normal',
                'high',
                troubled ? 'urgent' : 'high',
              ] as const),
              channel: r.pick(CHANNELS),
              createdAt: new Date(opened).toISOString(),
              firstResponseAt: new Date(opened + r.int(5, troubled ? 600 : 120) * 60_000).toISOString(),
              solvedAt: open ? null : new Date(solvedAt).toISOString(),
              satisfaction,
              escalated: r.chance(troubled ? 0.3 : 0.04),
            },
          });
        }
      }
    });
    await new Promise((done) => setImmediate(done));
  }
};
