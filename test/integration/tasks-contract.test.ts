import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render, storedMessage } from '../../src/i18n/index.ts';
import { createAccount } from '../../src/modules/accounts/index.ts';
import { createTask, findOpenTask, updateTask } from '../../src/modules/tasks/index.ts';
import { createTestApp, createTestWorkspace, type TestApp, type TestWorkspace } from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Tasks contract');
});
afterAll(async () => t?.close());

async function account(owner: string | null, team: { userId: string; role: 'csm' | 'support' }[] = []) {
  return createAccount({
    ctx: ws.ctx,
    input: { externalId: `contract-${Date.now()}-${n++}`, name: `Contract ${n}`, ownerId: owner, team },
  });
}

describe('the tasks contract used by automation', () => {
  it('resolves a role assignee at creation and records the rule run it came from', async () => {
    const a = await account(ws.users.manager.id, [{ userId: ws.users.csm.id, role: 'csm' }]);
    const origin = { source: 'rule' as const, ruleId: 'rule-1', runId: 'run-1' };
    const task = await createTask({
      ctx: ws.ctx,
      input: { accountId: a.id, title: 'Usage fell', type: 'risk', assignee: { role: 'csm' }, dueInDays: 3 },
      origin,
    });
    expect(task).toMatchObject({
      accountId: a.id,
      accountName: a.name,
      assigneeId: ws.users.csm.id,
      assigneeName: 'csm user',
      priority: 'P2',
      status: 'open',
      source: 'rule',
      ruleId: 'rule-1',
      ruleRunId: 'run-1',
      createdBy: null,
    });
    expect(task.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const owner = await createTask({
      ctx: ws.ctx,
      input: { accountId: a.id, title: 'Call', type: 'call', assignee: { role: 'owner' } },
    });
    expect(owner.assigneeId).toBe(ws.users.manager.id);
    const nobody = await createTask({
      ctx: ws.ctx,
      input: { accountId: a.id, title: 'Support', type: 'support', assignee: { role: 'support' } },
    });
    expect(nobody.assigneeId).toBeNull();
  });

  it('finds the open task of a rule for an account until it is closed', async () => {
    const a = await account(null);
    const b = await account(null);
    const origin = { source: 'rule' as const, ruleId: 'rule-dedupe', runId: 'run-1' };
    expect(await findOpenTask(ws.ctx, { ruleId: 'rule-dedupe', accountId: a.id })).toBeUndefined();
    const task = await createTask({
      ctx: ws.ctx,
      input: { accountId: a.id, title: 'X', type: 'risk' },
      origin,
    });
    expect((await findOpenTask(ws.ctx, { ruleId: 'rule-dedupe', accountId: a.id }))?.id).toBe(task.id);
    expect(await findOpenTask(ws.ctx, { ruleId: 'rule-dedupe', accountId: b.id })).toBeUndefined();
    expect(await findOpenTask(ws.ctx, { ruleId: 'other-rule', accountId: a.id })).toBeUndefined();
    await updateTask({ ctx: ws.ctx, id: task.id, input: { status: 'snoozed', snoozedUntil: '2999-01-01' } });
    expect((await findOpenTask(ws.ctx, { ruleId: 'rule-dedupe', accountId: a.id }))?.id).toBe(task.id);
    await updateTask({ ctx: ws.ctx, id: task.id, input: { status: 'done' } });
    expect(await findOpenTask(ws.ctx, { ruleId: 'rule-dedupe', accountId: a.id })).toBeUndefined();
  });

  it('notifies the assignee of a new task in the assignee’s language', async () => {
    const a = await account(null);
    const task = await createTask({
      ctx: ws.ctx,
      input: {
        accountId: a.id,
        title: 'QBR prep',
        type: 'qbr',
        priority: 'P1',
        dueDate: '2030-01-15',
        assignee: { userId: ws.users.viewer.id },
      },
    });
    const rows = await t.deps.db
      .selectFrom('notifications')
      .selectAll()
      .where('workspace_id', '=', ws.workspace.id)
      .where('task_id', '=', task.id)
      .execute();
    // Stored as English text plus the message, which renders in whoever reads it's language.
    expect(rows.map((r) => [r.user_id, r.kind, r.title, r.body])).toEqual([
      [ws.users.viewer.id, 'task_assigned', 'New task: QBR prep', `${a.name} · P1, due Jan 15, 2030`],
    ]);
    expect(render('zh-CN', storedMessage(rows[0]!.body_message)!)).toBe(`${a.name} · P1，截止 2030年1月15日`);
  });
});
