import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups } from '../../src/modules/metrics/index.ts';
import { addDays, today } from '../../src/time.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let accountId: string;
const day = (n: number) =>
  addDays(today({ now: () => new Date(), workspace: { timeZone: 'Asia/Shanghai' } } as never), n);

async function postCsv(token: string, query: string, csv: string, language = 'en') {
  const res = await t.app.request(`/api/v1/imports/usage?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': language },
    body: csv,
  });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

async function usersOn(accountId: string) {
  return t.deps.db.selectFrom('account_user_daily').selectAll().where('account_id', '=', accountId).execute();
}

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Usage import');
  other = await createTestWorkspace(t.deps, 'Usage other');
  const admin = client(t.app, ws.users.admin.token);
  accountId = (await admin.post('/api/v1/accounts', { externalId: 'U-1', name: 'Usage One' })).body.id;
  await admin.post('/api/v1/contracts', { accountId, externalId: 'S-1', startDate: day(-400), amount: 1200 });
  await admin.post('/api/v1/metrics', {
    key: 'reports',
    name: 'Reports',
    eventNames: ['report'],
    behaviour: 'value',
  });
});
afterAll(async () => t?.close());

describe('usage CSV import', () => {
  it('imports daily counts joined through a contract, one aggregate per row, and rolls them up', async () => {
    const csv = `usage_id,subscription_id,usage_date,feature_name,usage_count,secs\nR1,S-1,${day(-3)},report,4,120\nR2,S-1,${day(-2)},report,2,30\n`;
    const res = await postCsv(
      ws.users.manager.token,
      'map=usage_id=messageId,subscription_id=contractExternalId,usage_date=day,feature_name=event,usage_count=count,secs=prop.secs',
      csv,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      mode: 'daily',
      committed: true,
      rows: 2,
      valid: 2,
      events: 2,
      occurrences: 6,
      duplicates: 0,
      repeatedIds: [],
    });
    const rollups = await t.deps.db
      .selectFrom('metric_daily')
      .select(['day', 'value'])
      .where('account_id', '=', accountId)
      .orderBy('day')
      .execute();
    expect(rollups).toEqual([
      { day: day(-3), value: 4 },
      { day: day(-2), value: 2 },
    ]);
    const stored = await t.deps.db
      .selectFrom('events')
      .select(['properties', 'user_key', 'count', 'day'])
      .where('account_id', '=', accountId)
      .orderBy('day')
      .execute();
    // One row per daily row, standing for its count, with the day's totals as they were.
    expect(stored.map((e) => [e.day, Number(e.count), JSON.parse(e.properties)])).toEqual([
      [day(-3), 4, { secs: 120 }],
      [day(-2), 2, { secs: 30 }],
    ]);
    expect(stored.every((e) => e.user_key === null)).toBe(true);

    const again = await postCsv(
      ws.users.manager.token,
      'map=usage_id=messageId,subscription_id=contractExternalId,usage_date=day,feature_name=event,usage_count=count',
      csv,
    );
    expect(again.body).toMatchObject({ committed: true, events: 0, duplicates: 2 });
  });

  it('keeps daily rows as counts: sums and counts equal the file, live and rebuilt; repeated ids reported', async () => {
    const admin = client(t.app, ws.users.admin.token);
    const acct = (await admin.post('/api/v1/accounts', { externalId: 'U-2', name: 'Usage Two' })).body.id;
    await admin.post('/api/v1/contracts', {
      accountId: acct,
      externalId: 'S-2',
      startDate: day(-400),
      amount: 10,
    });
    const secs = (
      await admin.post('/api/v1/metrics', {
        key: 'feature_secs',
        name: 'Feature seconds',
        eventNames: ['feature_1', 'feature_2'],
        aggregation: 'sum',
        valueProperty: 'duration_secs',
      })
    ).body.id;
    const uses = (
      await admin.post('/api/v1/metrics', {
        key: 'feature_uses',
        name: 'Uses',
        eventNames: ['feature_1', 'feature_2'],
      })
    ).body.id;
    const feature = (
      await admin.post('/api/v1/features', { key: 'f1', name: 'Feature 1', eventNames: ['feature_1'] })
    ).body.id;
    // RavenStack's shape: usage_count 9 with 5004 seconds that day is one row, not 9 rows of 5004.
    // Line 4 repeats line 2's id with other values (RavenStack has 21 such ids); line 5 is a copy
    // of line 3.
    const csv = [
      'usage_id,subscription_id,usage_date,feature_name,usage_count,usage_duration_secs',
      `U-a,S-2,${day(-4)},feature_1,9,5004`,
      `U-b,S-2,${day(-4)},feature_2,2,60`,
      `U-a,S-2,${day(-3)},feature_1,3,300`,
      `U-b,S-2,${day(-4)},feature_2,2,60`,
      `U-c,S-2,${day(-3)},feature_2,0,0`,
      '',
    ].join('\n');
    const q =
      'map=usage_id=messageId,subscription_id=contractExternalId,usage_date=day,feature_name=event,usage_count=count,usage_duration_secs=prop.duration_secs';
    const dry = await postCsv(ws.users.admin.token, `${q}&dryRun=true`, csv);
    expect(dry.body).toMatchObject({ committed: false, rows: 5, invalid: 0, events: 3, occurrences: 14 });
    expect(dry.body.repeatedIds.map((e: any) => [e.line, e.field])).toEqual([
      [4, 'messageId'],
      [5, 'messageId'],
    ]);
    expect(dry.body.repeatedIds[0].message).toMatch(/U-a repeats line 2 with different values/);
    expect(dry.body.repeatedIds[1].message).toMatch(/U-b repeats line 3 with the same values/);
    const res = await postCsv(ws.users.admin.token, q, csv);
    expect(res.body).toMatchObject({ committed: true, events: 3, occurrences: 14, duplicates: 1 });

    const live = async () =>
      (
        await t.deps.db
          .selectFrom('metric_daily')
          .select(['metric_id', 'day', 'value'])
          .where('account_id', '=', acct)
          .orderBy('metric_id')
          .orderBy('day')
          .execute()
      ).map((r) => [
        r.metric_id === secs ? 'secs' : r.metric_id === uses ? 'uses' : r.metric_id,
        r.day,
        Number(r.value),
      ]);
    const features = async () =>
      (
        await t.deps.db
          .selectFrom('account_feature_daily')
          .select(['day', 'events'])
          .where('account_id', '=', acct)
          .where('feature_id', '=', feature)
          .orderBy('day')
          .execute()
      ).map((r) => [r.day, Number(r.events)]);
    const expected = [
      ['secs', day(-4), 5064],
      ['secs', day(-3), 300],
      ['uses', day(-4), 11],
      ['uses', day(-3), 3],
    ].sort((a, b) =>
      String(a[0] === 'secs' ? secs : uses).localeCompare(String(b[0] === 'secs' ? secs : uses)),
    );
    // The sum of duration_secs is the file's (5004 + 60 + 300, the copy counted once).
    expect(await live()).toEqual(expected);
    expect(await features()).toEqual([
      [day(-4), 9],
      [day(-3), 3],
    ]);
    // Rebuilt from the raw events, the same numbers.
    await rebuildRollups({ ...ws.ctx }, { from: day(-10) });
    expect(await live()).toEqual(expected);
    expect(await features()).toEqual([
      [day(-4), 9],
      [day(-3), 3],
    ]);
    // Importing the same file again changes nothing.
    const again = await postCsv(ws.users.admin.token, q, csv);
    expect(again.body).toMatchObject({ committed: true, events: 0, duplicates: 4 });
    expect(await live()).toEqual(expected);
  });

  it('takes account-level rows without a user (tickets), and names the right field when a row is refused', async () => {
    const csv = `ticket,account,submitted,priority\nT-1,U-1,${day(-2)}T08:00:00Z,high\nT-2,U-1,${day(-1)},low\nT-3,U-1,${day(-1)}T08:00:00Z,urgent\n`;
    const q =
      'mode=events&map=ticket=messageId,account=accountExternalId,submitted=timestamp,priority=prop.priority&defaults=event=ticket_opened';
    const res = await postCsv(ws.users.admin.token, q, csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ committed: true, events: 3, invalid: 0 });
    const tickets = await t.deps.db
      .selectFrom('events')
      .select(['user_key', 'account_id', 'event_name'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('event_name', '=', 'ticket_opened')
      .execute();
    expect(tickets).toHaveLength(3);
    expect(tickets.every((e) => e.user_key === null && e.account_id === accountId)).toBe(true);

    const bad = `ticket,account,submitted,note\nT-9,U-1,${day(-1)}T08:00:00Z,\u0000x\n`;
    const refused = await postCsv(
      ws.users.admin.token,
      'mode=events&map=ticket=messageId,account=accountExternalId,submitted=timestamp,note=prop.note&defaults=event=ticket_opened&dryRun=true',
      bad,
    );
    expect(refused.body.errors.map((e: any) => e.field)).toEqual(['prop.note']);
  });

  it('imports raw events with users, counted as active users', async () => {
    const csv = `account,user,event,at\nU-1,alice,report,${day(-1)}T02:00:00Z\nU-1,bob,report,${day(-1)}T03:00:00Z\nU-1,alice,login,${day(-1)}\n`;
    const res = await postCsv(
      ws.users.admin.token,
      'mode=events&map=account=accountExternalId,user=userId,event=event,at=timestamp',
      csv,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'events', events: 3 });
    const users = (await usersOn(accountId)).filter((u) => u.day === day(-1));
    expect(users.map((u) => [u.user_key, Number(u.events)]).sort()).toEqual([
      ['alice', 2],
      ['bob', 1],
    ]);
  });

  it('reports every bad row by line and writes nothing, unless skipInvalid', async () => {
    // This workspace's events only: other test files write events into the same database meanwhile.
    const before = await t.deps.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', ws.workspace.id)
      .executeTakeFirstOrThrow();
    const csv = `sub,d,f,n\nS-1,${day(-5)},report,1\nS-404,${day(-5)},report,1\nS-1,not-a-day,report,1\nS-1,${day(30)},report,1\nS-1,${day(-5)},report,-2\n`;
    const q = 'map=sub=contractExternalId,d=day,f=event,n=count';
    const dry = await postCsv(ws.users.admin.token, `${q}&dryRun=true`, csv);
    expect(dry.status).toBe(200);
    expect(dry.body.errors.map((e: any) => [e.line, e.field])).toEqual([
      [3, 'contractExternalId'],
      [4, 'day'],
      [5, 'day'],
      [6, 'count'],
    ]);
    expect(dry.body.errors[2].message).toMatch(/future_timestamp/);
    // The same rows for a reader of Chinese: the row messages are in Chinese.
    const zh = await postCsv(ws.users.admin.token, `${q}&dryRun=true`, csv, 'zh-CN');
    expect(zh.body.errors.map((e: any) => e.message)).toEqual([
      '没有外部 ID 为 S-404 的合同',
      '"not-a-day" 不是日期（应为 YYYY-MM-DD, YYYY/M/D, YYYY年M月D日, D/M/YYYY）',
      expect.stringMatching(/future_timestamp/), // the ingest protocol's own reason words
      '应在 0 到 100,000,000 之间',
    ]);
    const unknown = await postCsv(
      ws.users.admin.token,
      'map=sub=contractExternalId,d=day,f=event,n=cnt',
      csv,
      'zh-CN',
    );
    expect(unknown.body.error.message).toMatch(
      /^map 中有未知的用量事件字段"day"；可用字段：accountExternalId/,
    );
    const real = await postCsv(ws.users.admin.token, q, csv);
    expect(real.status).toBe(400);
    expect(errorCode(real)).toBe('validation_failed');
    expect(real.body.error.details.invalid).toBe(4);
    const after = await t.deps.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', ws.workspace.id)
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));

    const skip = await postCsv(ws.users.admin.token, `${q}&skipInvalid=true`, csv);
    expect(skip.body).toMatchObject({ committed: true, valid: 1, invalid: 4, events: 1 });
  });

  it('names a missing required column, a bad content type, and refuses CSMs, strangers and anonymous callers', async () => {
    const missing = await postCsv(
      ws.users.admin.token,
      'map=sub=contractExternalId,d=day,f=event',
      'sub,d,f\nS-1,2024-01-01,x\n',
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/timestamp/);
    const wrongType = await t.app.request('/api/v1/imports/usage', {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.users.admin.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wrongType.status).toBe(415);
    expect((await postCsv(ws.users.csm.token, 'mode=daily', 'a\n1\n')).status).toBe(403);
    const stranger = await postCsv(
      other.users.admin.token,
      'map=sub=contractExternalId,d=day,f=event,n=count',
      `sub,d,f,n\nS-1,${day(-1)},report,1\n`,
    );
    expect(stranger.status).toBe(400);
    expect(stranger.body.error.details.errors[0]).toMatchObject({ line: 2, field: 'contractExternalId' });
    const anon = await t.app.request('/api/v1/imports/usage', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'a\n',
    });
    expect(anon.status).toBe(401);
  });
});
