// Issue 12, item 3: the workbench's stage chart lists stages in journey order (onboarding ...
// expansion, churned last), not the order their rules are tried (churned, renewal, expansion ...),
// and counts one owner's book when asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installDefaultStages } from '../../src/modules/lifecycle/index.ts';
import { addDays, dayInZone } from '../../src/time.ts';
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
let admin: Client;
let csm: Client;
const api = (path: string) => `/api/v1${path}`;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Stage journey');
  admin = client(t.app, ws.users.admin.token);
  csm = client(t.app, ws.users.csm.token);
  const stages = await admin.get(api('/lifecycle-stages'));
  if (stages.body.items.length === 0) await installDefaultStages(ws.ctx);
  const T = dayInZone(new Date(), ws.workspace.timeZone);
  // Went live 10 days ago (onboarding), 60 days ago (adoption), 200 days ago (advanced, x2, one the CSM's).
  const plan: [string, number, string | null][] = [
    ['new', 10, null],
    ['mid', 60, null],
    ['old-1', 200, ws.users.csm.id],
    ['old-2', 200, null],
  ];
  for (const [name, ago, owner] of plan) {
    const res = await admin.post(api('/accounts'), {
      externalId: name,
      name,
      goLiveDate: addDays(T, -ago),
      ownerId: owner,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  const run = await admin.post(api('/recompute'), {});
  expect(run.status, JSON.stringify(run.body)).toBe(200);
});
afterAll(async () => t?.close());

describe('GET /reports/stages', () => {
  it('lists the stages in journey order with their counts, not in rule order', async () => {
    const rules = await admin.get(api('/lifecycle-stages'));
    expect(rules.body.items.map((s: { key: string }) => s.key)[0]).toBe('churned');
    const res = await csm.get(api('/reports/stages'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((s: { key: string; count: number }) => [s.key, s.count])).toEqual([
      ['onboarding', 1],
      ['adoption', 1],
      ['advanced', 2],
      ['renewal', 0],
      ['expansion', 0],
      ['churned', 0],
    ]);
    expect(res.body.none).toBe(0);
  });

  it("counts one owner's book", async () => {
    const res = await csm.get(api(`/reports/stages?ownerId=${ws.users.csm.id}`));
    expect(res.body.items.filter((s: { count: number }) => s.count > 0)).toEqual([
      expect.objectContaining({ key: 'advanced', count: 1 }),
    ]);
  });

  it('places a stage the workspace added by its rule order, before churned', async () => {
    const made = await admin.post(api('/lifecycle-stages'), {
      key: 'pilot',
      name: 'Pilot',
      condition: 'months_since_go_live < 0',
      position: 1,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const res = await admin.get(api('/reports/stages'));
    expect(res.body.items.map((s: { key: string }) => s.key)).toEqual([
      'onboarding',
      'adoption',
      'advanced',
      'renewal',
      'expansion',
      'pilot',
      'churned',
    ]);
  });
});
