import { describe, expect, it } from 'vitest';
import type { Task } from '../tasks/index.ts';
import { buildDigest, type DigestContent } from './digest.ts';

const task = (title: string, dueDate: string | null, priority: Task['priority'] = 'P2'): Task => ({
  id: title,
  accountId: 'a1',
  accountName: '杭州数智科技',
  title,
  titleMessage: null,
  description: null,
  type: 'call',
  assigneeId: 'u1',
  assigneeName: '王芳',
  priority,
  dueDate,
  status: 'open',
  snoozedUntil: null,
  source: 'manual',
  ruleId: null,
  ruleRunId: null,
  createdBy: null,
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
  completedAt: null,
});

const empty = { items: [], total: 0 };
const content = (over: Partial<DigestContent>): DigestContent => ({
  locale: 'zh-CN',
  name: '王芳',
  day: '2026-03-10',
  notifications: empty,
  overdue: empty,
  dueToday: empty,
  ...over,
});

describe('the daily digest email', () => {
  it('is not sent on a day with nothing to report', () => {
    expect(buildDigest(content({}))).toBeUndefined();
  });

  it('lists overdue and due-today tasks and unread notifications in the user’s language', () => {
    const mail = buildDigest(
      content({
        overdue: { items: [task('续约方案沟通', '2026-03-08', 'P1')], total: 1 },
        notifications: {
          items: [
            {
              id: 'n1',
              kind: 'account_danger',
              title: '杭州数智科技 健康度进入危险',
              titleMessage: null,
              body: '健康状态 一般 → 危险（2026年3月10日）',
              bodyMessage: null,
              accountId: 'a1',
              taskId: null,
              data: null,
              readAt: null,
              createdAt: '2026-03-10T00:00:00.000Z',
            },
          ],
          total: 1,
        },
      }),
    );
    expect(mail?.subject).toBe('Steward 每日摘要 2026年3月10日：逾期 1，今天到期 0，未读 1');
    expect(mail?.text.split('\n')).toEqual([
      '王芳，你好：',
      '',
      '逾期任务（1）',
      '- [P1] 续约方案沟通 · 杭州数智科技（截止 2026年3月8日）',
      '',
      '未读通知（1）',
      '- 杭州数智科技 健康度进入危险 · 健康状态 一般 → 危险（2026年3月10日）',
      '',
      '（可在 Steward 的通知设置中关闭每日摘要。）',
    ]);
  });

  it('says how many more there are past the lines it shows', () => {
    const mail = buildDigest(
      content({ locale: 'en', name: 'Amy', dueToday: { items: [task('QBR', '2026-03-10')], total: 25 } }),
    );
    expect(mail?.subject).toBe('Steward daily digest Mar 10, 2026: 0 overdue, 25 due today, 0 unread');
    expect(mail?.text).toContain(
      'Tasks due today (25)\n- [P2] QBR · 杭州数智科技 (due Mar 10, 2026)\n... and 24 more',
    );
  });
});
