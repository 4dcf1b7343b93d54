// Issue 12, item 3: a saved segment reads back with the condition it was saved with (the editor
// showed an empty box), saving it computes its members at once (a new segment showed 0 until the
// hourly recompute), and its preview compares with those members (it reported everyone entering).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const api = (path: string) => `/api/v1${path}`;
const ids: Record<string, string> = {};
const names = (items: { name: string }[]) => items.map((i) => i.name);

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Segment editing');
  admin = client(t.app, ws.users.admin.token);
  const plan: [string, string, string][] = [
    ['east-1', '华东', '制造'],
    ['east-2', '华东', '零售'],
    ['north-1', '华北', '制造'],
    ['south-1', '华南', '零售'],
  ];
  for (const [name, region, industry] of plan) {
    const res = await admin.post(api('/accounts'), { externalId: name, name, region, industry });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[name] = res.body.id;
  }
});
afterAll(async () => t?.close());

describe('saving a segment', () => {
  it('computes its members in the same request: a new segment is not empty', async () => {
    const created = await admin.post(api('/segments'), {
      key: 'east',
      name: 'East',
      condition: 'region = "华东"',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.memberCount).toBe(2);
    const members = await admin.get(api('/segments/east/members'));
    expect(names(members.body.items)).toEqual(['east-1', 'east-2']);
    const list = await admin.get(api('/segments'));
    expect(list.body.items.find((s: { key: string }) => s.key === 'east').memberCount).toBe(2);
    // The accounts list filters by the stored membership too.
    const accounts = await admin.get(api('/accounts?segment=east'));
    expect(accounts.status, JSON.stringify(accounts.body)).toBe(200);
    expect(names(accounts.body.items).sort()).toEqual(['east-1', 'east-2']);
  });

  it('reads back the condition it was saved with, as text and JSON, after an edit', async () => {
    const before = await admin.get(api('/segments/east'));
    expect(before.body.conditionText).toBe('region = "华东"');
    expect(before.body.condition).toEqual({ fact: 'region', op: '=', value: '华东' });
    const edited = await admin.patch(api('/segments/east'), {
      condition: 'region = "华东" and industry = "制造"',
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.memberCount).toBe(1);
    const after = await admin.get(api(`/segments/${before.body.id}`));
    expect(after.body).toMatchObject({
      conditionText: 'region = "华东" and industry = "制造"',
      condition: {
        and: [
          { fact: 'region', op: '=', value: '华东' },
          { fact: 'industry', op: '=', value: '制造' },
        ],
      },
      memberCount: 1,
    });
    const members = await admin.get(api('/segments/east/members'));
    expect(names(members.body.items)).toEqual(['east-1']);
  });
});

describe('segment preview', () => {
  it('reports who enters and who leaves against the current members, not everyone entering', async () => {
    // East now holds east-1 (华东 and 制造). Widening it to 制造 anywhere adds north-1 only.
    const wider = await admin.post(api('/segments/preview'), {
      condition: 'industry = "制造"',
      segment: 'east',
      limit: 10,
    });
    expect(wider.status, JSON.stringify(wider.body)).toBe(200);
    expect(wider.body.count).toBe(2);
    expect(names(wider.body.entering.items)).toEqual(['north-1']);
    expect(wider.body.leaving.total).toBe(0);
    // Moving it to 零售 brings east-2 and south-1 in and takes east-1 out.
    const moved = await admin.post(api('/segments/preview'), {
      condition: 'industry = "零售"',
      segment: 'east',
      limit: 10,
    });
    expect(names(moved.body.entering.items)).toEqual(['east-2', 'south-1']);
    expect(names(moved.body.leaving.items)).toEqual(['east-1']);
    // The saved condition itself moves nobody.
    const same = await admin.post(api('/segments/preview'), {
      condition: 'region = "华东" and industry = "制造"',
      segment: 'east',
    });
    expect([same.body.entering.total, same.body.leaving.total]).toEqual([0, 0]);
  });
});
