import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, today } from '../../src/time.ts';
import {
  type ApiResponse,
  type Client,
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

type Issue = { path: string; message: string };
type Task = {
  id: string;
  accountId: string;
  accountName: string;
  title: string;
  type: string;
  assigneeId: string | null;
  assigneeName: string | null;
  priority: string;
  dueDate: string | null;
  status: string;
  snoozedUntil: string | null;
  source: string;
  createdBy: string | null;
  completedAt: string | null;
};

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let day: string;
let n = 0;

const as = (w: TestWorkspace, role: keyof TestWorkspace['users']) => client(t.app, w.users[role].token);
const paths = (res: ApiResponse) => (res.body.error.details.issues as Issue[]).map((i) => i.path);

async function createAccount(body: Record<string, unknown> = {}) {
  const res = await as(ws, 'admin').post('/api/v1/accounts', {
    externalId: `task-acc-${Date.now()}-${n++}`,
    name: `Task account ${n}`,
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string };
}

async function createTask(c: Client, body: Record<string, unknown>): Promise<Task> {
  const res = await c.post('/api/v1/tasks', { title: 'Task', type: 'call', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function ids(c: Client, query: string): Promise<string[]> {
  const res = await c.get(`/api/v1/tasks?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.map((x: Task) => x.id);
}

/** Accounts: `team` has the CSM on its team; `outside` has nobody. */
let team: { id: string; name: string };
let outside: { id: string; name: string };

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Tasks A');
  other = await createTestWorkspace(t.deps, 'Tasks B');
  day = today(ws.ctx);
  team = await createAccount({
    ownerId: ws.users.manager.id,
    team: [{ userId: ws.users.csm.id, role: 'csm' }],
  });
  outside = await createAccount({ ownerId: ws.users.admin.id });
});
afterAll(async () => t?.close());

describe('creating tasks', () => {
  it('creates a manual task with the assignee resolved from the account’s CSM, on the timeline', async () => {
    const task = await createTask(as(ws, 'manager'), {
      accountId: team.id,
      title: 'Quarterly business review',
      description: 'Agenda: adoption, roadmap',
      type: 'qbr',
      priority: 'P1',
      dueDate: addDays(day, 14),
      assignee: { role: 'csm' },
    });
    expect(task).toMatchObject({
      accountId: team.id,
      accountName: team.name,
      title: 'Quarterly business review',
      type: 'qbr',
      assigneeId: ws.users.csm.id,
      assigneeName: 'csm user',
      priority: 'P1',
      status: 'open',
      source: 'manual',
      createdBy: ws.users.manager.id,
      completedAt: null,
    });
    expect((await as(ws, 'viewer').get(`/api/v1/tasks/${task.id}`)).body).toEqual(task);
    const timeline = await as(ws, 'viewer').get(`/api/v1/accounts/${team.id}/timeline?type=task.created`);
    expect(
      timeline.body.items.map((e: { entityId: string; title: string }) => [e.entityId, e.title]),
    ).toContainEqual([task.id, 'Task created: Quarterly business review']);
  });

  it('defaults the priority to P2, counts dueInDays from today and leaves an unknown role unassigned', async () => {
    const task = await createTask(as(ws, 'admin'), {
      accountId: team.id,
      dueInDays: 3,
      assignee: { role: 'support' },
    });
    expect(task).toMatchObject({
      priority: 'P2',
      dueDate: addDays(day, 3),
      assigneeId: null,
      assigneeName: null,
    });
  });

  it('lets a CSM create tasks on their team’s accounts only', async () => {
    await createTask(as(ws, 'csm'), { accountId: team.id });
    const res = await as(ws, 'csm').post('/api/v1/tasks', {
      accountId: outside.id,
      title: 'X',
      type: 'call',
    });
    expect(res.status).toBe(403);
    expect(errorCode(res)).toBe('forbidden');
  });

  it('refuses a viewer and a read-only token, and answers 404 for another workspace’s account', async () => {
    const viewer = await as(ws, 'viewer').post('/api/v1/tasks', {
      accountId: team.id,
      title: 'X',
      type: 'call',
    });
    expect(viewer.status).toBe(403);
    const foreign = await as(other, 'admin').post('/api/v1/tasks', {
      accountId: team.id,
      title: 'X',
      type: 'call',
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toContain(team.id);
  });

  it('names the field of bad input', async () => {
    const admin = as(ws, 'admin');
    const both = await admin.post('/api/v1/tasks', {
      accountId: team.id,
      title: 'X',
      type: 'call',
      dueDate: day,
      dueInDays: 2,
    });
    expect(both.status).toBe(400);
    expect(paths(both)).toEqual(['dueInDays']);
    const type = await admin.post('/api/v1/tasks', { accountId: team.id, title: 'X', type: 'lunch' });
    expect(paths(type)).toEqual(['type']);
    const date = await admin.post('/api/v1/tasks', {
      accountId: team.id,
      title: 'X',
      type: 'call',
      dueDate: '2026-02-30',
    });
    expect(paths(date)).toEqual(['dueDate']);
    const user = await admin.post('/api/v1/tasks', {
      accountId: team.id,
      title: 'X',
      type: 'call',
      assignee: { userId: other.users.csm.id },
    });
    expect(user.status).toBe(400);
    expect(paths(user)).toEqual(['assignee.userId']);
  });
});

describe('my tasks', () => {
  let w: TestWorkspace;
  let account: { id: string };
  const mine: Record<string, string> = {};

  beforeAll(async () => {
    w = await createTestWorkspace(t.deps, 'My tasks');
    const res = await client(t.app, w.users.admin.token).post('/api/v1/accounts', {
      externalId: `mine-${Date.now()}`,
      name: 'Mine',
      team: [{ userId: w.users.csm.id, role: 'csm' }],
    });
    account = res.body;
    const csm = client(t.app, w.users.csm.token);
    const make = async (key: string, body: Record<string, unknown>) => {
      const r = await csm.post('/api/v1/tasks', {
        accountId: account.id,
        title: key,
        type: 'call',
        assignee: { userId: w.users.csm.id },
        ...body,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      mine[key] = r.body.id;
    };
    await make('overdue', { dueDate: addDays(day, -2), priority: 'P1' });
    await make('today', { dueDate: day, priority: 'P0' });
    await make('tomorrow', { dueDate: addDays(day, 1), priority: 'P3' });
    await make('in a week', { dueDate: addDays(day, 7) });
    await make('in a month', { dueDate: addDays(day, 30) });
    await make('undated', {});
    await make('done late', { dueDate: addDays(day, -5) });
    await make('snoozed', { dueDate: addDays(day, -1) });
    await csm.patch(`/api/v1/tasks/${mine['done late']}`, { status: 'done' });
    await csm.patch(`/api/v1/tasks/${mine.snoozed}`, { snoozedUntil: addDays(day, 2) });
    // Someone else's task on the same account is not mine.
    await client(t.app, w.users.admin.token).post('/api/v1/tasks', {
      accountId: account.id,
      title: 'admin',
      type: 'call',
      dueDate: addDays(day, -2),
      assignee: { userId: w.users.admin.id },
    });
  });

  it('shows overdue, due-today and upcoming views of actionable tasks', async () => {
    const csm = client(t.app, w.users.csm.token);
    expect(await ids(csm, 'assigneeId=me&due=overdue')).toEqual([mine.overdue]);
    expect(await ids(csm, 'assigneeId=me&due=today')).toEqual([mine.today]);
    expect(await ids(csm, 'assigneeId=me&due=upcoming')).toEqual([mine.tomorrow, mine['in a week']]);
    const everyone = await ids(csm, 'due=overdue');
    expect(everyone).toHaveLength(2);
  });

  it('sorts by due date with undated last, or by priority, and pages with a cursor', async () => {
    const csm = client(t.app, w.users.csm.token);
    const byDue = await ids(csm, 'assigneeId=me&status=open');
    expect(byDue).toEqual([
      mine.overdue,
      mine.today,
      mine.tomorrow,
      mine['in a week'],
      mine['in a month'],
      mine.undated,
    ]);
    const byPriority = await ids(csm, 'assigneeId=me&status=open&sort=priority');
    expect(byPriority.slice(0, 2)).toEqual([mine.today, mine.overdue]);
    expect(byPriority.at(-1)).toBe(mine.tomorrow);
    const pages: string[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const res = await csm.get(`/api/v1/tasks?assigneeId=me&status=open&limit=4${cursor}`);
      pages.push(...res.body.items.map((x: Task) => x.id));
      if (!res.body.nextCursor) break;
      cursor = `&cursor=${res.body.nextCursor}`;
    }
    expect(pages).toEqual(byDue);
  });

  it('filters by status list, source, priority and type, and rejects unknown values naming the field', async () => {
    const csm = client(t.app, w.users.csm.token);
    expect(await ids(csm, 'assigneeId=me&status=done,snoozed&sort=created')).toEqual([
      mine.snoozed,
      mine['done late'],
    ]);
    expect(await ids(csm, 'assigneeId=me&source=rule')).toEqual([]);
    expect((await ids(csm, 'assigneeId=me&source=manual')).length).toBe(8);
    expect(await ids(csm, 'assigneeId=me&priority=P0,P3')).toHaveLength(2);
    expect(await ids(csm, 'assigneeId=me&type=qbr')).toEqual([]);
    const bad = await csm.get('/api/v1/tasks?status=waiting');
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['status']);
    const cursor = await csm.get('/api/v1/tasks?cursor=nonsense');
    expect(paths(cursor)).toEqual(['cursor']);
  });

  it('counts my overdue, due-today and upcoming tasks and every status', async () => {
    const res = await client(t.app, w.users.csm.token).get('/api/v1/tasks/summary');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      assigneeId: w.users.csm.id,
      today: day,
      overdue: 1,
      dueToday: 1,
      upcoming: 2,
      byStatus: { open: 6, in_progress: 0, done: 1, cancelled: 0, snoozed: 1 },
    });
    const admin = await client(t.app, w.users.admin.token).get(
      `/api/v1/tasks/summary?assigneeId=${w.users.admin.id}`,
    );
    expect(admin.body).toMatchObject({ overdue: 1, dueToday: 0, upcoming: 0 });
  });
});

describe('changing tasks', () => {
  it('moves a task through in progress, snooze, done and reopen, stamping completedAt', async () => {
    const admin = as(ws, 'admin');
    const task = await createTask(admin, { accountId: team.id });
    const moved = await admin.patch(`/api/v1/tasks/${task.id}`, { status: 'in_progress' });
    expect(moved.body.status).toBe('in_progress');
    const snoozed = await admin.patch(`/api/v1/tasks/${task.id}`, {
      status: 'snoozed',
      snoozedUntil: addDays(day, 5),
    });
    expect(snoozed.body).toMatchObject({ status: 'snoozed', snoozedUntil: addDays(day, 5) });
    const done = await admin.patch(`/api/v1/tasks/${task.id}`, { status: 'done' });
    expect(done.body).toMatchObject({ status: 'done', snoozedUntil: null });
    expect(done.body.completedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const wrong = await admin.patch(`/api/v1/tasks/${task.id}`, { status: 'in_progress' });
    expect(wrong.status).toBe(400);
    expect(paths(wrong)).toEqual(['status']);
    expect(wrong.body.error.message).toMatch(/reopen it first/);
    const reopened = await admin.patch(`/api/v1/tasks/${task.id}`, { status: 'open' });
    expect(reopened.body).toMatchObject({ status: 'open', completedAt: null });
    const timeline = await as(ws, 'viewer').get(
      `/api/v1/accounts/${team.id}/timeline?type=task.status_changed&limit=200`,
    );
    const titles = timeline.body.items
      .filter((e: { entityId: string }) => e.entityId === task.id)
      .map((e: { title: string }) => e.title);
    expect(titles).toEqual([
      'Task reopened: Task',
      'Task done: Task',
      `Task snoozed until ${enDate(addDays(day, 5))}: Task`,
      'Task in progress: Task',
    ]);
  });

  it('changes nothing, not even updatedAt, for an empty edit', async () => {
    const task = await createTask(as(ws, 'admin'), { accountId: team.id });
    const res = await as(ws, 'admin').patch(`/api/v1/tasks/${task.id}`, {});
    expect(res.status).toBe(200);
    expect(res.body).toEqual(task);
    const unknown = await as(ws, 'admin').patch(`/api/v1/tasks/${task.id}`, { colour: 'red' });
    expect(unknown.status).toBe(400);
  });

  it('needs a snooze day after today', async () => {
    const admin = as(ws, 'admin');
    const task = await createTask(admin, { accountId: team.id });
    const missing = await admin.patch(`/api/v1/tasks/${task.id}`, { status: 'snoozed' });
    expect(paths(missing)).toEqual(['snoozedUntil']);
    const past = await admin.patch(`/api/v1/tasks/${task.id}`, { snoozedUntil: day });
    expect(past.status).toBe(400);
    expect(paths(past)).toEqual(['snoozedUntil']);
  });

  it('edits fields and reassigns, notifying the new assignee and recording both on the timeline', async () => {
    const admin = as(ws, 'admin');
    const task = await createTask(admin, { accountId: outside.id, title: 'Old title' });
    const res = await admin.patch(`/api/v1/tasks/${task.id}`, {
      title: 'New title',
      priority: 'P0',
      dueDate: addDays(day, 1),
      assignee: { userId: ws.users.csm.id },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ title: 'New title', priority: 'P0', assigneeId: ws.users.csm.id });
    const notes = await as(ws, 'csm').get('/api/v1/notifications?limit=200');
    const mine = notes.body.items.filter((x: { taskId: string }) => x.taskId === task.id);
    expect(mine.map((x: { kind: string; title: string }) => [x.kind, x.title])).toEqual([
      ['task_assigned', 'New task: New title'],
    ]);
    const timeline = await as(ws, 'viewer').get(`/api/v1/accounts/${outside.id}/timeline?limit=200`);
    const entries = timeline.body.items.filter((e: { entityId: string }) => e.entityId === task.id);
    expect(entries.map((e: { type: string }) => e.type).sort()).toEqual([
      'task.created',
      'task.reassigned',
      'task.updated',
    ]);
    expect(entries.find((e: { type: string }) => e.type === 'task.updated').data.changes).toEqual({
      title: ['Old title', 'New title'],
      priority: ['P2', 'P0'],
      dueDate: [null, addDays(day, 1)],
    });
    const unassigned = await admin.patch(`/api/v1/tasks/${task.id}`, { assignee: null });
    expect(unassigned.body).toMatchObject({ assigneeId: null, assigneeName: null });
  });

  it('lets a CSM edit tasks of their team’s accounts and tasks assigned to them, and nothing else', async () => {
    const admin = as(ws, 'admin');
    const csm = as(ws, 'csm');
    const onTeam = await createTask(admin, { accountId: team.id });
    const assigned = await createTask(admin, {
      accountId: outside.id,
      assignee: { userId: ws.users.csm.id },
    });
    const others = await createTask(admin, {
      accountId: outside.id,
      assignee: { userId: ws.users.manager.id },
    });
    expect((await csm.patch(`/api/v1/tasks/${onTeam.id}`, { status: 'in_progress' })).status).toBe(200);
    expect((await csm.patch(`/api/v1/tasks/${assigned.id}`, { status: 'done' })).status).toBe(200);
    const refused = await csm.patch(`/api/v1/tasks/${others.id}`, { status: 'done' });
    expect(refused.status).toBe(403);
    expect(errorCode(refused)).toBe('forbidden');
    expect((await admin.get(`/api/v1/tasks/${others.id}`)).body.status).toBe('open');
    const manager = await as(ws, 'manager').patch(`/api/v1/tasks/${assigned.id}`, { status: 'open' });
    expect(manager.status).toBe(200);
    const viewer = await as(ws, 'viewer').patch(`/api/v1/tasks/${onTeam.id}`, { title: 'Viewer was here' });
    expect(viewer.status).toBe(403);
    const foreign = await as(other, 'admin').patch(`/api/v1/tasks/${onTeam.id}`, { title: 'B was here' });
    expect(foreign.status).toBe(404);
    expect((await as(other, 'admin').get(`/api/v1/tasks/${onTeam.id}`)).status).toBe(404);
    expect((await admin.get(`/api/v1/tasks/${onTeam.id}`)).body.title).toBe('Task');
  });

  it('lists only tasks of the caller’s workspace', async () => {
    await createTask(as(ws, 'admin'), { accountId: team.id, title: 'Only in A' });
    const res = await as(other, 'admin').get('/api/v1/tasks?limit=200');
    expect(res.body.items.map((x: Task) => x.title)).not.toContain('Only in A');
  });

  it('names each listed task’s account and assignee, and drops the tasks of a deleted account', async () => {
    const w = await createTestWorkspace(t.deps, 'Tasks deleted account');
    const admin = client(t.app, w.users.admin.token);
    const make = async (name: string) =>
      (await admin.post('/api/v1/accounts', { externalId: name, name, ownerId: w.users.csm.id })).body.id;
    const [kept, gone] = [await make('Kept account'), await make('Gone account')];
    const keptTask = await createTask(admin, {
      accountId: kept,
      title: 'Kept',
      dueDate: day,
      assignee: { role: 'owner' },
    });
    const goneTask = await createTask(admin, {
      accountId: gone,
      title: 'Gone',
      dueDate: day,
      assignee: { role: 'owner' },
    });
    const listed = await admin.get(`/api/v1/tasks?assigneeId=${w.users.csm.id}&sort=created`);
    expect(listed.body.items.map((x: Task) => [x.title, x.accountName, x.assigneeName])).toEqual([
      ['Gone', 'Gone account', 'csm user'],
      ['Kept', 'Kept account', 'csm user'],
    ]);

    expect((await admin.delete(`/api/v1/accounts/${gone}`)).status).toBe(204);
    const after = await admin.get(`/api/v1/tasks?assigneeId=${w.users.csm.id}`);
    expect(after.body.items.map((x: Task) => x.id)).toEqual([keptTask.id]);
    expect((await admin.get(`/api/v1/tasks/${goneTask.id}`)).status).toBe(404);
    const summary = await admin.get(`/api/v1/tasks/summary?assigneeId=${w.users.csm.id}`);
    expect(summary.body).toMatchObject({ dueToday: 1, byStatus: { open: 1 } });
  });
});

describe('follow-ups', () => {
  it('records a follow-up that appears on the task and the account timeline, closing the task', async () => {
    const task = await createTask(as(ws, 'manager'), {
      accountId: team.id,
      assignee: { role: 'csm' },
      title: 'Adoption call',
    });
    const csm = as(ws, 'csm');
    const first = await csm.post(`/api/v1/tasks/${task.id}/follow-ups`, {
      summary: 'Called the IT lead',
      outcome: 'Reports module not rolled out to finance',
      nextStep: 'Training session next week',
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      taskId: task.id,
      taskTitle: 'Adoption call',
      accountId: team.id,
      userId: ws.users.csm.id,
      userName: 'csm user',
      outcome: 'Reports module not rolled out to finance',
    });
    const second = await csm.post(`/api/v1/tasks/${task.id}/follow-ups`, {
      summary: 'Training held, 12 finance users active',
      taskStatus: 'done',
    });
    expect(second.status).toBe(201);
    expect((await csm.get(`/api/v1/tasks/${task.id}`)).body.status).toBe('done');
    const list = await as(ws, 'viewer').get(`/api/v1/tasks/${task.id}/follow-ups`);
    expect(list.body.items.map((f: { summary: string }) => f.summary)).toEqual([
      'Called the IT lead',
      'Training held, 12 finance users active',
    ]);
    const timeline = await as(ws, 'viewer').get(`/api/v1/accounts/${team.id}/timeline?type=task.follow_up`);
    const entry = timeline.body.items.find(
      (e: { data: { followUpId: string } }) => e.data.followUpId === first.body.id,
    );
    expect(entry.title).toBe('Follow-up on Adoption call');
    expect(entry.body).toContain('Training session next week');
  });

  it('refuses follow-ups from a viewer or a CSM off the team, and a bad closing status', async () => {
    const task = await createTask(as(ws, 'admin'), { accountId: outside.id });
    expect(
      (await as(ws, 'viewer').post(`/api/v1/tasks/${task.id}/follow-ups`, { summary: 'x' })).status,
    ).toBe(403);
    expect((await as(ws, 'csm').post(`/api/v1/tasks/${task.id}/follow-ups`, { summary: 'x' })).status).toBe(
      403,
    );
    expect(
      (await as(other, 'admin').post(`/api/v1/tasks/${task.id}/follow-ups`, { summary: 'x' })).status,
    ).toBe(404);
    expect((await as(other, 'admin').get(`/api/v1/tasks/${task.id}/follow-ups`)).status).toBe(404);
    const empty = await as(ws, 'admin').post(`/api/v1/tasks/${task.id}/follow-ups`, { summary: '  ' });
    expect(paths(empty)).toEqual(['summary']);
    await as(ws, 'admin').patch(`/api/v1/tasks/${task.id}`, { status: 'cancelled' });
    const closed = await as(ws, 'admin').post(`/api/v1/tasks/${task.id}/follow-ups`, {
      summary: 'x',
      taskStatus: 'done',
    });
    expect(closed.status).toBe(400);
    expect(paths(closed)).toEqual(['taskStatus']);
    expect((await as(ws, 'admin').get(`/api/v1/tasks/${task.id}/follow-ups`)).body.items).toEqual([]);
  });

  it('shows, before creating a task, other people’s recent follow-ups and open tasks on the account', async () => {
    const account = await createAccount({ team: [{ userId: ws.users.csm.id, role: 'csm' }] });
    const managerTask = await createTask(as(ws, 'manager'), {
      accountId: account.id,
      title: 'Exec sponsor call',
      assignee: { userId: ws.users.manager.id },
    });
    await as(ws, 'manager').post(`/api/v1/tasks/${managerTask.id}/follow-ups`, {
      summary: 'Spoke with the CIO',
    });
    const csmTask = await createTask(as(ws, 'csm'), {
      accountId: account.id,
      assignee: { userId: ws.users.csm.id },
    });
    await as(ws, 'csm').post(`/api/v1/tasks/${csmTask.id}/follow-ups`, { summary: 'My own note' });

    const res = await as(ws, 'csm').get(`/api/v1/accounts/${account.id}/follow-ups/recent?days=7`);
    expect(res.status).toBe(200);
    expect(res.body.days).toBe(7);
    expect(
      res.body.followUps.map((f: { summary: string; userName: string }) => [f.summary, f.userName]),
    ).toEqual([['Spoke with the CIO', 'manager user']]);
    expect(res.body.openTasks.map((x: Task) => x.id)).toEqual([managerTask.id]);
    const manager = await as(ws, 'manager').get(`/api/v1/accounts/${account.id}/follow-ups/recent`);
    expect(manager.body.followUps.map((f: { summary: string }) => f.summary)).toEqual(['My own note']);
    expect((await as(other, 'admin').get(`/api/v1/accounts/${account.id}/follow-ups/recent`)).status).toBe(
      404,
    );
    const bad = await as(ws, 'csm').get(`/api/v1/accounts/${account.id}/follow-ups/recent?days=0`);
    expect(paths(bad)).toEqual(['days']);
  });
});
