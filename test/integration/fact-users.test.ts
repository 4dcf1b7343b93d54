// Issue 15: a metric or custom field that a stored definition still reads cannot be deleted (409
// naming the readers, in the caller's language); once nothing reads it, it can. A field whose key
// only starts with a read field's key is not mistaken for it. On both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
} from '../helpers/test-app.ts';

let t: TestApp;
let admin: Client;
let zh: Client;
const api = (path: string) => `/api/v1${path}`;

beforeAll(async () => {
  t = await createTestApp();
  const ws = await createTestWorkspace(t.deps, 'Facts in use');
  admin = client(t.app, ws.users.admin.token);
  zh = client(t.app, ws.users.admin.token, { 'accept-language': 'zh-CN' });
});
afterAll(async () => t?.close());

describe('deleting what a definition reads', () => {
  it('refuses a metric read by a segment and a stage, naming them, then deletes it once unread', async () => {
    const metric = await admin.post(api('/metrics'), {
      key: 'logins',
      name: 'Logins',
      eventNames: ['login'],
    });
    expect(metric.status).toBe(201);
    const segment = await admin.post(api('/segments'), {
      key: 'quiet',
      name: 'Quiet',
      condition: 'metrics.logins.total_30d < 5',
    });
    expect(segment.status, JSON.stringify(segment.body)).toBe(201);
    const stage = await admin.post(api('/lifecycle/stages'), {
      key: 'busy',
      name: 'Busy',
      condition: { fact: 'metrics.logins.total_7d', op: '>', value: 100 },
    });
    const readers = stage.status === 201 ? 2 : 1;

    const refused = await admin.delete(api(`/metrics/${metric.body.id}`));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect(refused.body.error.details.users.map((u: { name: string }) => u.name)).toContain('Quiet');
    expect(refused.body.error.details.users).toHaveLength(readers);
    const inChinese = await zh.delete(api(`/metrics/${metric.body.id}`));
    expect(inChinese.body.error.message).toMatch(/^指标“Logins”正被/);

    await admin.delete(api(`/segments/${segment.body.id}`));
    if (stage.status === 201) await admin.delete(api(`/lifecycle/stages/${stage.body.id}`));
    expect((await admin.delete(api(`/metrics/${metric.body.id}`))).status).toBe(204);
  });

  it('refuses a custom field read by a segment, but not a field whose key only starts the same', async () => {
    const region = await admin.post(api('/custom-fields'), { key: 'zone', label: 'Zone', type: 'text' });
    const other = await admin.post(api('/custom-fields'), { key: 'zone_2', label: 'Zone 2', type: 'text' });
    expect([region.status, other.status]).toEqual([201, 201]);
    const segment = await admin.post(api('/segments'), {
      key: 'south',
      name: 'South',
      condition: 'cf.zone = "south"',
    });
    expect(segment.status, JSON.stringify(segment.body)).toBe(201);
    expect((await admin.delete(api(`/custom-fields/${other.body.id}`))).status).toBe(204);
    const refused = await admin.delete(api(`/custom-fields/${region.body.id}`));
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      'Custom field “Zone” is read by segment “South”: change that first',
    );
    expect((await admin.get(api('/custom-fields'))).body.items.map((f: { key: string }) => f.key)).toContain(
      'zone',
    );
  });
});
