// Demo NPS and CSAT answers over the demo's months: two NPS waves (about 150 and 60 days ago) and
// CSAT answers after support touches, from the strategic accounts and a share of the others. Scores
// follow each account's health (healthy accounts promote, accounts in danger and churned ones
// detract), so NPS per CSM and the health model's NPS item read as real. Recorded through the
// surveys verb with the clock at the answer, so timelines and detractor tasks are dated; detractor
// tasks from the first wave were followed up, and the CSM closed them two days later.
import type { Ctx } from '../context.ts';
import { accountRefs, contactRefsOf } from '../modules/accounts/index.ts';
import { loadCurrentStates } from '../modules/state/index.ts';
import { recordResponse } from '../modules/surveys/index.ts';
import { updateTask } from '../modules/tasks/index.ts';
import { addDays, today } from '../time.ts';
import type { DemoExtension } from './extension.ts';
import type { Random } from './random.ts';

const COMMENTS: Record<'promoter' | 'passive' | 'detractor', string[]> = {
  promoter: [
    '上线很顺利，团队效率明显提升',
    '客户成功团队响应很快',
    '审批流程省了很多时间',
    'Great onboarding, the team adopted it quickly',
    '报表功能很好用',
  ],
  passive: [
    '整体不错，希望报表能导出Excel',
    '功能够用，移动端还需加强',
    'Good, but the dashboard could be faster',
  ],
  detractor: [
    '仪表盘加载太慢，影响日常使用',
    '问题反馈后很久没有回复',
    '价格偏高，使用的人不多',
    'Too many bugs since the last release',
    '培训不够，员工不会用',
  ],
};

/** An NPS score for an account in a health status (the wave shifts it a little). */
function npsScore(r: Random, health: string | null, churned: boolean): number {
  if (churned)
    return r.weighted([
      [r.int(0, 4), 6],
      [r.int(5, 6), 3],
      [7, 1],
    ]);
  if (health === 'excellent' || health === 'good')
    return r.weighted([
      [r.int(9, 10), 8],
      [r.int(7, 8), 3],
      [r.int(4, 6), 1],
    ]);
  if (health === 'danger')
    return r.weighted([
      [r.int(2, 6), 5],
      [r.int(7, 8), 4],
      [9, 1],
    ]);
  return r.weighted([
    [r.int(9, 10), 5],
    [r.int(7, 8), 4],
    [r.int(4, 6), 2],
  ]);
}

const csatScore = (r: Random, health: string | null) =>
  health === 'danger'
    ? r.weighted([
        [r.int(1, 3), 5],
        [4, 3],
        [5, 2],
      ])
    : r.weighted([
        [5, 5],
        [4, 3],
        [r.int(2, 3), 2],
      ]);

export const surveysDemo: DemoExtension = async ({ ctx, accounts, days, random: r }) => {
  const end = today(ctx);
  const span = Math.max(30, Math.min(days, 180));
  const ids = accounts.map((a) => a.id);
  const states = await loadCurrentStates(ctx, ids);
  const owners = new Map([...(await accountRefs(ctx, ids))].map(([id, a]) => [id, a.ownerId]));
  const emails = new Map<string, string[]>();
  for (const c of await contactRefsOf(ctx, ids, { withEmail: true }))
    emails.set(c.accountId, [...(emails.get(c.accountId) ?? []), c.email!]);
  const surveyed = accounts.filter((a) => emails.has(a.id) && (a.arr >= 1_000_000 || r.chance(0.25)));

  type Planned = {
    accountId: string;
    email: string;
    kind: 'nps' | 'csat';
    day: string;
    hour: number;
    churned: boolean;
  };
  const planned: Planned[] = [];
  const waves = [150, 60].filter((d) => d < span);
  for (const a of surveyed) {
    const pool = emails.get(a.id)!;
    for (const back of waves) {
      // A churned account answers only while it was still a customer.
      if (a.churnedOn && addDays(end, -back) > a.churnedOn) continue;
      for (const email of r.sample(pool, r.int(1, Math.min(3, pool.length)))) {
        if (r.chance(0.35)) continue; // not everyone answers
        planned.push({
          accountId: a.id,
          email,
          kind: 'nps',
          day: addDays(end, -back + r.int(0, 9)),
          hour: r.int(9, 20),
          churned: !!a.churnedOn,
        });
      }
    }
    if (!a.churnedOn && r.chance(0.5))
      planned.push({
        accountId: a.id,
        email: r.pick(pool),
        kind: 'csat',
        day: addDays(end, -r.int(1, 85)),
        hour: r.int(9, 20),
        churned: false,
      });
  }
  planned.sort((x, y) => x.day.localeCompare(y.day) || x.hour - y.hour);

  const at = (day: string, hour: number): Ctx => ({
    ...ctx,
    now: () => {
      const when = new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`);
      const now = ctx.now();
      return when > now ? now : when;
    },
  });
  for (const p of planned) {
    const health = states.get(p.accountId)?.healthStatus ?? null;
    const score = p.kind === 'nps' ? npsScore(r, health, p.churned) : csatScore(r, health);
    const mood =
      p.kind === 'nps'
        ? score >= 9
          ? 'promoter'
          : score >= 7
            ? 'passive'
            : 'detractor'
        : score >= 4
          ? 'promoter'
          : 'detractor';
    const when = at(p.day, p.hour);
    const response = await recordResponse({
      ctx: when,
      input: {
        accountId: p.accountId,
        contactEmail: p.email,
        kind: p.kind,
        score,
        comment: r.chance(0.55) ? r.pick(COMMENTS[mood]) : null,
        answeredAt: when.now().toISOString(),
      },
    });
    const owner = owners.get(p.accountId);
    // Older detractors were called back: the CSM closed the follow-up two days later.
    if (response.taskId && owner && p.day < addDays(end, -14)) {
      await updateTask({
        ctx: {
          ...at(addDays(p.day, 2), 17),
          actor: { kind: 'user', userId: owner, role: 'csm', via: 'session', scopes: ['read', 'write'] },
        },
        id: response.taskId,
        input: { status: 'done' },
      });
    }
  }
};
