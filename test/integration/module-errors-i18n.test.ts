// Errors of renewals, the team, metrics, lists, bulk actions, stages, scorecards, rules, contacts,
// custom fields and ingest in the reader's language (issue 12): each was a plain English sentence,
// shown as is on a Chinese page. Each case asks in zh-CN and expects no English words beyond the
// names and values it was given; in English the sentence reads as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
const HAN = /\p{Script=Han}/u;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'ModuleErrors');
});
afterAll(async () => t?.close());

const as = (lang: 'en' | 'zh-CN', token: string | null = ws.users.admin.token) =>
  client(t.app, token, { 'accept-language': lang });

/** The English words of a Chinese message once the values it names are taken out. */
const englishWords = (text: string, values: string[] = []) => {
  let rest = text;
  for (const v of values) rest = rest.replaceAll(v, ' ');
  return rest.match(/[A-Za-z]{3,}/g) ?? [];
};

async function both(
  call: (lang: 'en' | 'zh-CN') => Promise<{ status: number; body: any }>,
  status: number,
  en: RegExp,
  values: string[] = [],
) {
  const e = await call('en');
  expect(e.status, JSON.stringify(e.body)).toBe(status);
  expect(e.body.error.message).toMatch(en);
  const z = await call('zh-CN');
  expect(z.status).toBe(status);
  const texts = [
    z.body.error.message as string,
    ...((z.body.error.details?.issues ?? []) as { message: string }[]).map((i) => i.message),
  ];
  for (const text of texts) {
    expect(HAN.test(text), text).toBe(true);
    expect(englishWords(text, values), text).toEqual([]);
  }
}

describe('module errors in the reader’s language', () => {
  it('scorecards and the team overview refuse a viewer in words', async () => {
    await both(
      (l) => as(l, ws.users.viewer.token).get('/api/v1/reports/scorecards'),
      403,
      /^Role viewer may not read scorecards$/,
    );
    await both(
      (l) => as(l, ws.users.csm.token).get('/api/v1/reports/team-overview'),
      403,
      /Only managers and admins/,
    );
  });

  it('renewals name an unknown owner', async () => {
    const account = (await as('en').post('/api/v1/accounts', { externalId: 'me-1', name: '续约客户' })).body;
    const contract = await as('en').post('/api/v1/contracts', {
      accountId: account.id,
      startDate: '2026-01-01',
      endDate: '2026-12-31',
      amount: 120000,
      currency: 'CNY',
      billingPeriod: 'annual',
    });
    expect(contract.status, JSON.stringify(contract.body)).toBe(201);
    await both(
      (l) => as(l).patch(`/api/v1/renewals/${contract.body.id}`, { ownerId: 'usr_nobody' }),
      400,
      /^No active user usr_nobody$/,
      ['usr_nobody'],
    );
  });

  it('CSM groups name an unknown member and a user listed twice', async () => {
    await both(
      (l) =>
        as(l).post('/api/v1/team/groups', {
          key: `g_${l === 'en' ? 'en' : 'zh'}`,
          name: 'G',
          members: [{ userId: 'usr_nobody' }],
        }),
      400,
      /members\.0\.userId: no active user usr_nobody/,
      ['usr_nobody', 'members.0.userId'],
    );
    const csm = ws.users.csm.id;
    await both(
      (l) =>
        as(l).post('/api/v1/team/groups', {
          key: `h_${l === 'en' ? 'en' : 'zh'}`,
          name: 'H',
          members: [{ userId: csm }, { userId: csm }],
        }),
      400,
      /members: a user is listed twice/,
      ['members'],
    );
  });

  it('metrics name a series that is too long', async () => {
    const made = await as('en').post('/api/v1/metrics', {
      key: 'me_logins',
      name: 'Logins',
      eventNames: ['login'],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await both(
      (l) => as(l).get('/api/v1/metrics/me_logins/series?from=2020-01-01&to=2026-01-01'),
      400,
      /^Invalid query: from: a series covers at most [\d,]+ days$/,
      ['from'],
    );
  });

  it('the accounts list names an unknown custom field in a filter', async () => {
    await both((l) => as(l).get('/api/v1/accounts?cf.nope=1'), 400, /cf\.nope: no such custom field/, [
      'cf.nope',
    ]);
  });

  it('custom fields refuse options on a field that is not a select', async () => {
    const field = await as('en').post('/api/v1/custom-fields', { key: 'me_text', label: 'T', type: 'text' });
    expect(field.status, JSON.stringify(field.body)).toBe(201);
    await both(
      (l) => as(l).patch(`/api/v1/custom-fields/${field.body.id}`, { options: ['a'] }),
      400,
      /options: not a select field/,
      ['options'],
    );
  });

  it('accounts name an unknown owner', async () => {
    await both(
      (l) => as(l).post('/api/v1/accounts', { externalId: `me-o-${l}`, name: 'O', ownerId: 'usr_nobody' }),
      400,
      /ownerId: no active user usr_nobody/,
      ['ownerId', 'usr_nobody'],
    );
  });

  it('contacts name an external user id that is taken', async () => {
    const account = (await as('en').post('/api/v1/accounts', { externalId: 'me-c', name: 'C' })).body;
    const first = await as('en').post('/api/v1/contacts', {
      accountId: account.id,
      name: 'A',
      externalUserId: 'ext-7',
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    await both(
      (l) => as(l).post('/api/v1/contacts', { accountId: account.id, name: 'B', externalUserId: 'ext-7' }),
      409,
      /external user id ext-7 already exists/,
      ['ext-7'],
    );
  });

  it('the stage preview names a key listed twice', async () => {
    await both(
      (l) =>
        as(l).post('/api/v1/lifecycle-stages/preview', {
          stages: [
            { key: 'a', name: { en: 'A', 'zh-CN': '甲' }, condition: 'arr >= 1' },
            { key: 'a', name: { en: 'A', 'zh-CN': '甲' }, condition: 'arr >= 2' },
          ],
        }),
      400,
      /stages\.1\.key: a appears twice/,
      ['stages.1.key'],
    );
  });

  it('rules name an unknown metric, an unknown template fact and an unknown stage', async () => {
    const rule = (key: string, extra: Record<string, unknown>) => ({
      key,
      name: key,
      trigger: { type: 'daily' },
      actions: [{ type: 'create_task', title: 'T', taskType: 'risk', assignee: { role: 'owner' } }],
      ...extra,
    });
    await both(
      (l) =>
        as(l).post(
          '/api/v1/rules',
          rule(`m_${l === 'en' ? 'en' : 'zh'}`, {
            trigger: { type: 'metric_change', metric: 'nope', period: 'mom', cmp: '<=', value: -0.3 },
          }),
        ),
      400,
      /trigger\.metric: unknown metric "nope"/,
      ['trigger.metric', 'nope', 'active_users', 'api_calls', 'api_errors', 'logins', 'seats_used'],
    );
    await both(
      (l) =>
        as(l).post(
          '/api/v1/rules',
          rule(`f_${l === 'en' ? 'en' : 'zh'}`, {
            actions: [
              { type: 'create_task', title: '{{nmae}}', taskType: 'risk', assignee: { role: 'owner' } },
            ],
          }),
        ),
      400,
      /unknown fact "nmae" in \{\{nmae\}\}/,
      ['actions.0.title', 'nmae'],
    );
    await both(
      (l) =>
        as(l).post(
          '/api/v1/rules',
          rule(`s_${l === 'en' ? 'en' : 'zh'}`, { actions: [{ type: 'set_stage', stage: 'nowhere' }] }),
        ),
      400,
      /unknown lifecycle stage "nowhere"/,
      ['actions.0.stage', 'nowhere'],
    );
  });

  it('CSV imports name an empty file and a column the map names but the file lacks', async () => {
    const csv = (l: 'en' | 'zh-CN', body: string, query = '') =>
      client(t.app, ws.users.admin.token, { 'accept-language': l, 'content-type': 'text/csv' }).request(
        'POST',
        `/api/v1/requests/import${query}`,
        body,
      );
    await both((l) => csv(l, ''), 400, /empty/);
    await both(
      (l) => csv(l, 'account,title\nA,B\n', '?map=colour%3Dtitle'),
      400,
      /Column "colour" in the map is not in the file/,
      ['colour', 'account', 'title', 'map.colour'],
    );
  });

  it('ingest answers an unknown write key in the caller’s language', async () => {
    const post = (l: 'en' | 'zh-CN') =>
      t.app.request('/v1/batch', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'accept-language': l,
          authorization: `Basic ${Buffer.from('wk_nope:').toString('base64')}`,
        },
        body: '{"batch": [',
      });
    const en = await post('en');
    const zh = await post('zh-CN');
    expect(en.status).toBeGreaterThanOrEqual(400);
    const enBody = (await en.json()) as { error: { message: string } };
    const zhBody = (await zh.json()) as { error: { message: string } };
    expect(HAN.test(enBody.error.message)).toBe(false);
    expect(HAN.test(zhBody.error.message), zhBody.error.message).toBe(true);
    // An SDK asks in no language: English, as the SDKs' own messages.
    const sdk = await t.app.request('/v1/batch', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from('wk_nope:').toString('base64')}`,
      },
      body: '{"batch": []}',
    });
    expect(((await sdk.json()) as { error: { message: string } }).error.message).toBe(
      'Unknown or revoked write key',
    );
  });
});
