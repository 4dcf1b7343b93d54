// `changed by` conditions read the facts as they were N days earlier: in saved segments through
// the recompute, in the segment preview, and in automation rules' dry runs.
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
let admin: Client;
const ids = { grew: '', flat: '' };
const CONDITION = 'arr changed by >= 50% in 30d';

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Changed by');
  admin = client(t.app, ws.users.admin.token);
  const d = today(ws.ctx);
  for (const key of ['grew', 'flat'] as const) {
    const account = await admin.post('/api/v1/accounts', { externalId: `CB-${key}`, name: key });
    ids[key] = account.body.id;
    await admin.post('/api/v1/contracts', {
      accountId: ids[key],
      startDate: addDays(d, -100),
      endDate: addDays(d, 265),
      amount: 100_000,
    });
  }
  // Ten days ago the grown account added a second contract: ARR 100k a month ago, 300k now.
  await admin.post('/api/v1/contracts', {
    accountId: ids.grew,
    startDate: addDays(d, -10),
    endDate: addDays(d, 355),
    amount: 200_000,
  });
});
afterAll(() => t.close());

describe('changed by', () => {
  it('puts an account in a saved segment when its fact moved that much since then', async () => {
    const created = await admin.post('/api/v1/segments', {
      key: 'arr_grew',
      name: 'ARR grew',
      condition: CONDITION,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await admin.post('/api/v1/recompute', {})).status).toBe(200);
    const members = await admin.get(`/api/v1/segments/${created.body.id}/members`);
    expect(members.body.items.map((m: { accountId: string }) => m.accountId)).toEqual([ids.grew]);
  });

  it('previews the same members', async () => {
    const preview = await admin.post('/api/v1/segments/preview', { condition: CONDITION });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.count).toBe(1);
  });

  it('matches in an automation rule dry run', async () => {
    const rule = await admin.post('/api/v1/rules', {
      key: 'arr_grew',
      name: 'ARR grew',
      trigger: { type: 'daily' },
      condition: CONDITION,
      actions: [{ type: 'add_tag', tag: 'grew' }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const dry = await admin.post(`/api/v1/rules/${rule.body.id}/dry-run`, {});
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(JSON.stringify(dry.body)).toContain(ids.grew);
    expect(JSON.stringify(dry.body)).not.toContain(ids.flat);
  });
});
