// The manager's cockpit (issue 16): a playbook's dry run, stored or with unsaved edits; the audit
// log's filters by action and day; effectiveness rows carry the lift's interval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, today } from '../../src/time.ts';
import {
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let manager: Client;
let csm: Client;
let big: string;

async function account(externalId: string, arr: number) {
  const a = await manager.post('/api/v1/accounts', {
    externalId,
    name: `Acct ${externalId}`,
    ownerId: ws.users.csm.id,
  });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  const d0 = today(ws.ctx);
  const c = await manager.post('/api/v1/contracts', {
    accountId: a.body.id,
    startDate: addDays(d0, -200),
    endDate: addDays(d0, 165),
    amount: arr,
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  return a.body.id as string;
}

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Cockpit API');
  manager = client(t.app, ws.users.manager.token);
  csm = client(t.app, ws.users.csm.token);
  big = await account('CK-BIG', 1_500_000);
  await account('CK-SMALL', 20_000);
  expect((await manager.post('/api/v1/playbooks/defaults', {})).status).toBe(200);
  await manager.post(`/api/v1/accounts/${big}/tier-override`, { tier: 'strategic', reason: 'test' });
});
afterAll(async () => t?.close());

describe('playbook dry run', () => {
  it('lists per play the accounts it would act on, creating nothing', async () => {
    const res = await manager.post('/api/v1/playbooks/strategic/dry-run', {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.covered).toBe(1);
    expect(res.body.plays.map((p: { play: string }) => p.play)).toEqual(['touch', 'qbr']);
    const qbr = res.body.plays[1];
    expect(qbr).toMatchObject({ matched: 1, wouldAct: 1 });
    expect(qbr.items[0]).toMatchObject({ accountId: big, outcome: 'act' });
    const tasks = await t.deps.db
      .selectFrom('tasks')
      .select('id')
      .where('workspace_id', '=', ws.workspace.id)
      .execute();
    expect(tasks).toHaveLength(0);
  });

  it('tries unsaved edits: another tier, a play removed, a new cadence', async () => {
    const res = await manager.post('/api/v1/playbooks/strategic/dry-run', {
      draft: { tier: null, touchEveryDays: null, plays: [] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // No tier: every account with an active contract; no plays and no touch cadence: nothing to do.
    expect(res.body.covered).toBe(2);
    expect(res.body.plays).toEqual([]);
    const stored = (await manager.get('/api/v1/playbooks/strategic')).body;
    expect(stored).toMatchObject({ tier: 'strategic', touchEveryDays: 30 });
    expect(stored.plays).toHaveLength(1);
  });

  it('gives each conditional play its condition as text, which an update takes back', async () => {
    const growth = (await manager.get('/api/v1/playbooks/growth')).body;
    const adoption = growth.plays.find((p: { key: string }) => p.key === 'adoption');
    expect(adoption.whenText).toBe(
      'percentile(breadth within tier) <= 15 or percentile(depth within tier) <= 15',
    );
    const plays = growth.plays.map(({ whenText, when, ...p }: Record<string, unknown>) => ({
      ...p,
      ...(whenText ? { when: whenText } : {}),
    }));
    const saved = await manager.patch('/api/v1/playbooks/growth', { plays });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.plays.find((p: { key: string }) => p.key === 'adoption').when).toEqual(adoption.when);
  });

  it('names the field of a bad draft and refuses a CSM', async () => {
    const bad = await manager.post('/api/v1/playbooks/strategic/dry-run', {
      draft: { plays: [{ key: 'x', name: 'X', when: 'arrr > 1', action: { type: 'add_tag', tag: 'x' } }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('plays.0.condition');
    expect((await csm.post('/api/v1/playbooks/strategic/dry-run', {})).status).toBe(403);
  });
});

describe('audit log filters', () => {
  it('filters by action, by action family and by day, and lists the facets', async () => {
    await manager.patch('/api/v1/playbooks/growth', { touchEveryDays: 45 });
    const exact = await manager.get('/api/v1/audit-log?action=playbook.updated');
    expect(exact.status).toBe(200);
    expect(exact.body.items.length).toBeGreaterThanOrEqual(1);
    expect(exact.body.items.every((e: { action: string }) => e.action === 'playbook.updated')).toBe(true);
    const family = await manager.get('/api/v1/audit-log?action=playbook.&limit=200');
    const actions = new Set(family.body.items.map((e: { action: string }) => e.action));
    expect([...actions].sort()).toEqual(['playbook.created', 'playbook.updated']);
    const d0 = today(ws.ctx);
    const todays = await manager.get(`/api/v1/audit-log?from=${d0}&to=${d0}&action=playbook.updated`);
    expect(todays.body.items.length).toBe(exact.body.items.length);
    const yesterday = addDays(d0, -1);
    const none = await manager.get(`/api/v1/audit-log?from=${yesterday}&to=${yesterday}`);
    expect(none.body.items).toEqual([]);
    const badDay = await manager.get('/api/v1/audit-log?from=2026-13-01');
    expect(badDay.status).toBe(400);
    const facets = await manager.get('/api/v1/audit-log/facets');
    expect(facets.status).toBe(200);
    expect(facets.body.actions).toContain('playbook.updated');
    expect(facets.body.entityTypes).toContain('playbook');
    expect((await csm.get('/api/v1/audit-log/facets')).status).toBe(403);
  });
});

describe('effectiveness', () => {
  it('gives every horizon an interval field, null without enough matched actions', async () => {
    const res = await manager.get('/api/v1/automation/effectiveness');
    expect(res.status).toBe(200);
    for (const row of res.body.items) {
      expect(row.after30).toHaveProperty('low');
      expect(row.after90).toHaveProperty('high');
      if (row.after30.n < 5) expect(row.after30.low).toBeNull();
    }
  });
});
