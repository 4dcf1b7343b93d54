import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExtensions, generateDemo } from '../../src/demo/demo.ts';
import { tasksDemo } from '../../src/demo/tasks.ts';
import { today } from '../../src/time.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let a: TestWorkspace;
let b: TestWorkspace;

beforeAll(async () => {
  t = await createTestApp();
  a = await createTestWorkspace(t.deps, 'Tasks demo A');
  b = await createTestWorkspace(t.deps, 'Tasks demo B');
  // Only this extension, without usage (days 0): the others need usage history, and demo.test.ts
  // covers the whole generator.
  const all = demoExtensions.splice(0, demoExtensions.length, { phase: 'tasks', run: tasksDemo });
  try {
    await generateDemo(a.ctx, { accounts: 60, days: 0, seed: 11 });
    await generateDemo(b.ctx, { accounts: 60, days: 0, seed: 11 });
  } finally {
    demoExtensions.splice(0, demoExtensions.length, ...all);
  }
}, 180_000);
afterAll(async () => t?.close());

const tasksOf = (w: TestWorkspace) =>
  t.deps.db
    .selectFrom('tasks as t')
    .innerJoin('accounts as a', (j) => j.onRef('a.id', '=', 't.account_id'))
    .innerJoin('users as u', (j) => j.onRef('u.id', '=', 't.assignee_id'))
    .select([
      'a.external_id',
      'u.email',
      'u.role',
      't.title',
      't.status',
      't.due_date',
      't.source',
      't.created_at',
    ])
    .where('t.workspace_id', '=', w.workspace.id)
    .orderBy('a.external_id')
    .orderBy('t.created_at')
    .execute();

describe('the demo’s tasks', () => {
  it('gives every demo CSM manual tasks on their accounts, some done, some in progress, some overdue', async () => {
    const tasks = await tasksOf(a);
    // 60 accounts over 15 CSMs: about 4 each, and a task on most.
    expect(tasks.length).toBeGreaterThanOrEqual(40);
    expect(new Set(tasks.map((x) => x.role))).toEqual(new Set(['csm']));
    expect(new Set(tasks.map((x) => x.source))).toEqual(new Set(['manual']));
    const day = today(a.ctx);
    const byStatus = (s: string) => tasks.filter((x) => x.status === s).length;
    expect(byStatus('done')).toBeGreaterThan(tasks.length * 0.2);
    expect(byStatus('in_progress')).toBeGreaterThan(0);
    expect(byStatus('open')).toBeGreaterThan(tasks.length * 0.2);
    const overdue = tasks.filter((x) => ['open', 'in_progress'].includes(x.status) && x.due_date! < day);
    expect(overdue.length).toBeGreaterThan(0);
    expect(tasks.every((x) => x.created_at.slice(0, 10) < day)).toBe(true);
  });

  it('records follow-ups on done tasks, shown through the API to the CSM', async () => {
    const follow = await t.deps.db
      .selectFrom('task_follow_ups as f')
      .innerJoin('tasks as t', (j) => j.onRef('t.id', '=', 'f.task_id'))
      .select(['t.status', 'f.user_id', 't.assignee_id'])
      .where('f.workspace_id', '=', a.workspace.id)
      .execute();
    expect(follow.length).toBeGreaterThan(20);
    expect(follow.every((f) => f.user_id === f.assignee_id)).toBe(true);
    const doneTasks = await t.deps.db
      .selectFrom('tasks')
      .select('id')
      .where('workspace_id', '=', a.workspace.id)
      .where('status', '=', 'done')
      .execute();
    const withFollowUps = new Set(follow.filter((f) => f.status === 'done').map((f) => f.assignee_id));
    expect(withFollowUps.size).toBeGreaterThan(0);
    const one = await client(t.app, a.users.admin.token).get(`/api/v1/tasks/${doneTasks[0]!.id}/follow-ups`);
    expect(one.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it('is the same for the same seed', async () => {
    const strip = (rows: Awaited<ReturnType<typeof tasksOf>>) =>
      rows.map((x) => [x.external_id, x.title, x.status, x.due_date, x.email.split('+')[0]]);
    expect(strip(await tasksOf(b))).toEqual(strip(await tasksOf(a)));
  });
});
