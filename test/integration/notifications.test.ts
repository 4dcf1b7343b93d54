import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.ts';
import type { Mail } from '../../src/mail.ts';
import {
  dailyDigestJob,
  notifyEnteredDanger,
  notifyRenewalsDue,
  renewalNoticesJob,
  sendDigests,
} from '../../src/modules/notifications/index.ts';
import { recomputeDay } from '../../src/modules/recompute/index.ts';
import { createTask, wakeSnoozedTasksJob } from '../../src/modules/tasks/index.ts';
import { addDays, nowIso, today } from '../../src/time.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

/** A day as English texts show it (messages render dates per locale). */
const enDate = (d: string) =>
  new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(d));

let t: TestApp;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const as = (w: TestWorkspace, role: keyof TestWorkspace['users']) => client(t.app, w.users[role].token);

async function account(w: TestWorkspace, body: Record<string, unknown> = {}) {
  const res = await as(w, 'admin').post('/api/v1/accounts', {
    externalId: `notify-${Date.now()}-${n++}`,
    name: `Notify ${n}`,
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string };
}

async function notificationsOf(w: TestWorkspace, role: keyof TestWorkspace['users'], query = '') {
  const res = await as(w, role).get(`/api/v1/notifications?limit=200${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    items: { id: string; kind: string; title: string; accountId: string | null; readAt: string | null }[];
    unreadCount: number;
  };
}

describe('the notification list', () => {
  let w: TestWorkspace;
  let other: TestWorkspace;

  beforeAll(async () => {
    w = await createTestWorkspace(t.deps, 'Notifications A');
    other = await createTestWorkspace(t.deps, 'Notifications B');
    const a = await account(w);
    for (const title of ['First', 'Second', 'Third']) {
      await createTask({
        ctx: w.ctx,
        input: { accountId: a.id, title, type: 'call', assignee: { userId: w.users.viewer.id } },
      });
    }
  });

  it('lists my notifications newest first with my unread count, and nobody else’s', async () => {
    const mine = await notificationsOf(w, 'viewer');
    expect(mine.items.map((x) => x.title)).toEqual([
      'New task: Third',
      'New task: Second',
      'New task: First',
    ]);
    expect(mine.unreadCount).toBe(3);
    expect((await notificationsOf(w, 'csm')).items).toEqual([]);
    expect((await notificationsOf(other, 'viewer')).items).toEqual([]);
    const page = await as(w, 'viewer').get('/api/v1/notifications?limit=2');
    const next = await as(w, 'viewer').get(`/api/v1/notifications?limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.items.map((x: { title: string }) => x.title)).toEqual(['New task: First']);
  });

  it('marks one read (even for a viewer), then all, and filters unread', async () => {
    const [newest] = (await notificationsOf(w, 'viewer')).items;
    const read = await as(w, 'viewer').post(`/api/v1/notifications/${newest!.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toMatch(/T/);
    const again = await as(w, 'viewer').post(`/api/v1/notifications/${newest!.id}/read`);
    expect(again.body.readAt).toBe(read.body.readAt);
    const unread = await notificationsOf(w, 'viewer', '&unread=true');
    expect(unread.items.map((x) => x.title)).toEqual(['New task: Second', 'New task: First']);
    expect(unread.unreadCount).toBe(2);
    expect((await notificationsOf(w, 'viewer', '&unread=false')).items.map((x) => x.id)).toEqual([
      newest!.id,
    ]);
    const all = await as(w, 'viewer').post('/api/v1/notifications/read-all');
    expect(all.body).toEqual({ updated: 2 });
    expect((await notificationsOf(w, 'viewer')).unreadCount).toBe(0);
  });

  it('answers 404 for someone else’s notification, in this workspace or another', async () => {
    const [one] = (await notificationsOf(w, 'viewer')).items;
    const admin = await as(w, 'admin').post(`/api/v1/notifications/${one!.id}/read`);
    expect(admin.status).toBe(404);
    expect(errorCode(admin)).toBe('not_found');
    expect((await as(other, 'viewer').post(`/api/v1/notifications/${one!.id}/read`)).status).toBe(404);
  });

  it('keeps the daily digest off by default and lets each user turn it on', async () => {
    const before = await as(w, 'viewer').get('/api/v1/notifications/settings');
    expect(before.body).toMatchObject({
      dailyDigest: false,
      digestFrequency: 'daily',
      mutedKinds: [],
      email: w.users.viewer.email,
    });
    const on = await as(w, 'viewer').put('/api/v1/notifications/settings', { dailyDigest: true });
    expect(on.status).toBe(200);
    expect(on.body.dailyDigest).toBe(true);
    expect((await as(w, 'viewer').get('/api/v1/notifications/settings')).body.dailyDigest).toBe(true);
    expect((await as(w, 'csm').get('/api/v1/notifications/settings')).body.dailyDigest).toBe(false);
    const bad = await as(w, 'viewer').put('/api/v1/notifications/settings', { dailyDigest: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('dailyDigest');
  });

  it('refuses changes through a read-only token', async () => {
    const token = await as(w, 'admin').post('/api/v1/tokens', { name: 'ro', scopes: ['read'] });
    const ro = client(t.app, token.body.token);
    expect((await ro.get('/api/v1/notifications')).status).toBe(200);
    expect((await ro.post('/api/v1/notifications/read-all')).status).toBe(403);
    expect((await ro.put('/api/v1/notifications/settings', { dailyDigest: false })).status).toBe(403);
  });
});

describe('accounts entering danger', () => {
  async function stateChange(
    w: TestWorkspace,
    accountId: string,
    day: string,
    from: string | null,
    to: string,
  ) {
    await t.deps.db
      .insertInto('state_changes')
      .values({
        id: newId(),
        workspace_id: w.workspace.id,
        account_id: accountId,
        day,
        kind: 'health_status',
        from_value: from,
        to_value: to,
        reason: null,
        created_at: nowIso(w.ctx),
      })
      .execute();
  }

  it('tells the owner once when an account moves into the danger band today, not for past days', async () => {
    const w = await createTestWorkspace(t.deps, 'Danger');
    const day = today(w.ctx);
    const a = await account(w, { ownerId: w.users.csm.id });
    const b = await account(w, { ownerId: w.users.csm.id });
    const noOwner = await account(w);
    await stateChange(w, a.id, day, 'fair', 'danger');
    await stateChange(w, b.id, day, 'danger', 'fair');
    await stateChange(w, noOwner.id, day, 'fair', 'danger');
    await stateChange(w, b.id, addDays(day, -3), 'fair', 'danger');
    expect(await notifyEnteredDanger(w.ctx, day)).toBe(1);
    expect(await notifyEnteredDanger(w.ctx, day)).toBe(0);
    expect(await notifyEnteredDanger(w.ctx, addDays(day, -3))).toBe(0);
    const list = await notificationsOf(w, 'csm');
    expect(list.items.map((x) => [x.kind, x.accountId, x.title])).toEqual([
      ['account_danger', a.id, `${a.name} entered danger`],
    ]);
  });

  it('ignores an account’s first score, which is its starting point rather than news', async () => {
    const w = await createTestWorkspace(t.deps, 'Danger first');
    const a = await account(w, { ownerId: w.users.csm.id });
    await stateChange(w, a.id, today(w.ctx), null, 'danger');
    expect(await notifyEnteredDanger(w.ctx, today(w.ctx))).toBe(0);
  });

  it('runs after each recompute, which notifies nobody twice when the day is recomputed again', async () => {
    const w = await createTestWorkspace(t.deps, 'Danger recompute');
    // Scores 0 for any ARR under 1,000: an account without contracts lands in the danger band.
    const model = await as(w, 'admin').post('/api/v1/health-models', {
      key: 'arr_only',
      name: 'ARR only',
      dimensions: [
        {
          key: 'size',
          name: 'Size',
          weight: 1,
          components: [
            {
              key: 'arr',
              name: 'ARR',
              fact: 'arr',
              weight: 1,
              normalisation: { kind: 'linear', min: 1000, max: 2000 },
            },
          ],
        },
      ],
    });
    expect(model.status, JSON.stringify(model.body)).toBe(201);
    const a = await account(w, { ownerId: w.users.csm.id });
    const day = today(w.ctx);
    await recomputeDay(w.ctx, day);
    expect((await notificationsOf(w, 'csm')).items).toEqual([]);
    // As if the account had been healthy until yesterday (the recompute compares a day with the
    // day before it): today's recompute records its move to danger.
    await t.deps.db
      .deleteFrom('state_changes')
      .where('workspace_id', '=', w.workspace.id)
      .where('account_id', '=', a.id)
      .where('kind', '=', 'health_status')
      .execute();
    await t.deps.db
      .insertInto('account_state_days')
      .values({
        workspace_id: w.workspace.id,
        account_id: a.id,
        day: addDays(day, -1),
        health_score: 90,
        health_status: 'excellent',
        health_model_id: null,
        tier: null,
        tier_since: null,
        stage: null,
        stage_since: null,
        segments: '[]',
      })
      .execute();
    const moved = await recomputeDay(w.ctx, day);
    expect(moved.changes.health_status).toBe(1);
    await recomputeDay(w.ctx, day);
    const list = await notificationsOf(w, 'csm');
    expect(list.items.map((x) => [x.kind, x.accountId])).toEqual([['account_danger', a.id]]);
  });
});

describe('renewal notices', () => {
  it('tells the owner once per account and renewal date when a renewal is within 90 days', async () => {
    const w = await createTestWorkspace(t.deps, 'Renewals');
    const day = today(w.ctx);
    const soon = await account(w, { ownerId: w.users.csm.id });
    const later = await account(w, { ownerId: w.users.csm.id });
    const orphan = await account(w);
    for (const [acc, end] of [
      [soon, addDays(day, 60)],
      [later, addDays(day, 120)],
      [orphan, addDays(day, 30)],
    ] as const) {
      const res = await as(w, 'admin').post('/api/v1/contracts', {
        accountId: acc.id,
        startDate: addDays(day, -300),
        endDate: end,
        amount: 1000,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    expect(await notifyRenewalsDue(w.ctx)).toBe(1);
    expect(await notifyRenewalsDue(w.ctx)).toBe(0);
    // The job covers every workspace (on PostgreSQL, other test files' too): this one gets nothing new.
    await renewalNoticesJob(t.deps);
    const list = await notificationsOf(w, 'csm');
    expect(list.items.map((x) => [x.kind, x.accountId, x.title])).toEqual([
      ['renewal_upcoming', soon.id, `${soon.name} renews in 60 days`],
    ]);
  });
});

describe('the daily digest', () => {
  it('emails each opted-in user their overdue and due-today tasks and unread notifications, once a day', async () => {
    const w = await createTestWorkspace(t.deps, 'Digest');
    const day = today(w.ctx);
    const a = await account(w, { name: '杭州数智科技' });
    await as(w, 'csm').put('/api/v1/notifications/settings', { dailyDigest: true });
    await as(w, 'manager').put('/api/v1/notifications/settings', { dailyDigest: true });
    const me = { userId: w.users.csm.id };
    await createTask({
      ctx: w.ctx,
      input: {
        accountId: a.id,
        title: 'Late call',
        type: 'call',
        dueDate: addDays(day, -1),
        assignee: me,
        priority: 'P1',
      },
    });
    await createTask({
      ctx: w.ctx,
      input: { accountId: a.id, title: 'QBR today', type: 'qbr', dueDate: day, assignee: me },
    });
    await createTask({
      ctx: w.ctx,
      input: { accountId: a.id, title: 'Next week', type: 'call', dueDate: addDays(day, 7), assignee: me },
    });

    const sent: Mail[] = [];
    const send = async (mail: Mail) => {
      sent.push(mail);
      return { sent: true };
    };
    const first = await sendDigests(w.ctx, send);
    expect(first).toEqual({ users: 2, sent: 1, empty: 1, failed: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(w.users.csm.email);
    expect(sent[0]!.subject).toBe(`Steward daily digest ${enDate(day)}: 1 overdue, 1 due today, 3 unread`);
    expect(sent[0]!.text).toContain(`- [P1] Late call · 杭州数智科技 (due ${enDate(addDays(day, -1))})`);
    expect(sent[0]!.text).toContain('Tasks due today (1)');
    expect(sent[0]!.text).toContain('- New task: Next week');
    expect(sent[0]!.text).not.toContain('- [P2] Next week');

    expect(await sendDigests(w.ctx, send)).toEqual({ users: 2, sent: 0, empty: 0, failed: 0 });
    // The job covers every workspace (on PostgreSQL, other test files' too): nobody here gets a second.
    await dailyDigestJob(t.deps, send);
    const ours = new Set([w.users.csm.email, w.users.manager.email]);
    expect(sent.filter((m) => ours.has(m.to as string))).toHaveLength(1);
  });

  it('releases the day’s claim when sending fails, so a later run sends it', async () => {
    const w = await createTestWorkspace(t.deps, 'Digest failure');
    const a = await account(w);
    await as(w, 'csm').put('/api/v1/notifications/settings', { dailyDigest: true });
    await createTask({
      ctx: w.ctx,
      input: {
        accountId: a.id,
        title: 'Due',
        type: 'call',
        dueDate: today(w.ctx),
        assignee: { userId: w.users.csm.id },
      },
    });
    const failing = await sendDigests(w.ctx, async () => {
      throw new Error('SMTP down');
    });
    expect(failing).toMatchObject({ sent: 0, failed: 1 });
    const retry = await sendDigests(w.ctx, async () => ({ sent: false }));
    expect(retry).toMatchObject({ sent: 1, failed: 0 });
    const row = await t.deps.db
      .selectFrom('notification_digests')
      .selectAll()
      .where('workspace_id', '=', w.workspace.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: w.users.csm.id, status: 'logged', notifications: 1, tasks: 1 });
  });
});

describe('snoozed tasks', () => {
  it('come back open on their snooze day', async () => {
    const w = await createTestWorkspace(t.deps, 'Snooze');
    const a = await account(w);
    const task = await createTask({ ctx: w.ctx, input: { accountId: a.id, title: 'Later', type: 'call' } });
    await as(w, 'admin').patch(`/api/v1/tasks/${task.id}`, { snoozedUntil: addDays(today(w.ctx), 1) });
    await wakeSnoozedTasksJob(t.deps);
    expect((await as(w, 'admin').get(`/api/v1/tasks/${task.id}`)).body.status).toBe('snoozed');
    await t.deps.db
      .updateTable('tasks')
      .set({ snoozed_until: today(w.ctx) })
      .where('workspace_id', '=', w.workspace.id)
      .where('id', '=', task.id)
      .execute();
    const job = await wakeSnoozedTasksJob(t.deps);
    expect(job.woken).toBeGreaterThanOrEqual(1);
    expect((await as(w, 'admin').get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({
      status: 'open',
      snoozedUntil: null,
    });
  });
});
