// Support tickets through the guided import (CSV with Chinese headers, xlsx with time cells),
// idempotent by ticket id, and an import running in a heavy-read process while /healthz
// answers, its progress read from the run row the worker stores after each batch. Both engines.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, WRITE_BATCH } from '../../src/modules/accounts/index.ts';
import { cellInstant } from '../../src/modules/support/index.ts';
import { answeredInWorkers } from '../../src/server/heavy-pool.ts';
import { addDays, today } from '../../src/time.ts';
import { createTestApp, createTestWorkspace, type TestApp, type TestWorkspace } from '../helpers/test-app.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let t: TestApp;
let ws: TestWorkspace;

beforeAll(async () => {
  // One heavy-read worker: POST /imports/{entity} is answered there.
  t = await createTestApp({ STEWARD_HEAVY_WORKERS: '1' });
  ws = await createTestWorkspace(t.deps, 'Ticket imports');
  for (const id of ['K-1', 'K-2']) {
    await createAccount({ ctx: ws.ctx, input: { name: `客户 ${id}`, externalId: id } });
  }
}, 60_000);
afterAll(async () => t?.close());

function request(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) {
  return Promise.resolve(
    t.app.request(`/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ws.users.manager.token}`,
        'accept-language': 'en',
        'content-type': 'text/csv',
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
    }),
  ).then(async (res: Response) => ({ status: res.status, body: (await res.json()) as any }));
}

async function tickets() {
  return t.deps.db
    .selectFrom('support_tickets')
    .selectAll()
    .where('workspace_id', '=', ws.workspace.id)
    .orderBy('external_id')
    .execute();
}

describe('support tickets through the guided import', () => {
  it('maps a Chinese help desk CSV by the header dictionary, imports it, and a re-import changes nothing', async () => {
    const day = today(ws.ctx);
    const d = (n: number) => addDays(day, n);
    const csv = [
      '\uFEFF工单编号,客户编号,主题,状态,优先级,渠道,创建时间,解决时间,满意度,是否升级',
      `T-1,K-1,无法导出报表,已解决,高,邮件,${d(-10)} 09:00,${d(-10)} 21:00,满意,否`,
      `T-2,K-1,仪表盘很慢,处理中,普通,电话,${d(-3)} 10:30,,,是`,
      `T-3,K-2,账单问题,已关闭,紧急,微信,${d(-40)} 08:00,${d(-39)} 08:00,2,否`,
      `T-3,K-2,账单问题,已关闭,紧急,微信,${d(-40)} 08:00,${d(-39)} 08:00,2,否`,
      '合计,,,,,,,,,',
    ].join('\r\n');
    const preview = await request('POST', '/imports/tickets/preview', csv);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    const suggested = Object.fromEntries(
      preview.body.headers.map((h: { column: string; suggested: string }) => [h.column, h.suggested]),
    );
    expect(suggested).toMatchObject({
      工单编号: 'externalId',
      客户编号: 'accountExternalId',
      主题: 'subject',
      状态: 'status',
      创建时间: 'createdAt',
      解决时间: 'solvedAt',
      满意度: 'satisfaction',
      是否升级: 'escalated',
    });

    const dry = await request('POST', '/imports/tickets?dryRun=true', csv);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({
      entity: 'tickets',
      dryRun: true,
      file: { format: 'csv', encoding: 'utf-8-bom' },
      rows: 4,
      valid: 4,
      merged: 1,
      created: 3,
      skipped: { total: 1 },
    });
    expect(await tickets()).toHaveLength(0);

    const done = await request('POST', '/imports/tickets', csv);
    expect(done.body).toMatchObject({ committed: true, created: 3, updated: 0, unchanged: 0 });
    const stored = await tickets();
    expect(
      stored.map((r) => [r.external_id, r.status, r.priority, r.channel, r.satisfaction, r.escalated]),
    ).toEqual([
      ['T-1', 'solved', 'high', 'email', 5, 0],
      ['T-2', 'open', 'normal', 'phone', null, 1],
      ['T-3', 'closed', 'urgent', 'wechat', 2, 0],
    ]);
    expect(stored[0]!.opened_at).toBe(cellInstant(`${d(-10)} 09:00`, ws.workspace.timeZone));

    const again = await request('POST', '/imports/tickets', csv);
    expect(again.body).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 3 });
    expect(await tickets()).toEqual(stored);

    // A changed row updates only that ticket.
    const changed = await request(
      'POST',
      '/imports/tickets',
      csv.replace('T-2,K-1,仪表盘很慢,处理中', 'T-2,K-1,仪表盘很慢,已解决'),
    );
    expect(changed.body).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
  }, 120_000);

  it('names the line, column and value of every bad row, and writes nothing', async () => {
    const csv = [
      'Ticket ID,Account ID,Subject,Status,Created,CSAT',
      'B-1,K-1,Fine,open,2026-01-05 10:00,5',
      'B-2,NOPE,Unknown account,open,2026-01-05 10:00,',
      'B-3,K-1,Bad time,open,next tuesday,',
      'B-4,K-1,Bad status,resolvedish,2026-01-05 10:00,',
      'B-5,K-1,Bad rating,open,2026-01-05 10:00,7',
    ].join('\n');
    const res = await request('POST', '/imports/tickets', csv);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors).toEqual([
      expect.objectContaining({ line: 3, field: 'accountExternalId', column: 'Account ID', value: 'NOPE' }),
      expect.objectContaining({ line: 4, field: 'createdAt', column: 'Created', value: 'next tuesday' }),
      expect.objectContaining({ line: 5, field: 'status', column: 'Status', value: 'resolvedish' }),
      expect.objectContaining({ line: 6, field: 'satisfaction', column: 'CSAT', value: '7' }),
    ]);
    expect((await tickets()).some((r) => r.external_id.startsWith('B-'))).toBe(false);
  });

  it('reads a score written as a decimal number ("3.0", as pandas exports it) as the score, and no other decimal', async () => {
    const head = 'Ticket ID,Account ID,Subject,Status,Created,CSAT';
    const half = await request('POST', '/imports/tickets', `${head}\nD-2,K-1,Half,open,2026-01-05 10:00,3.5`);
    expect(half.status).toBe(400);
    expect(half.body.error.details.errors).toEqual([
      expect.objectContaining({ line: 2, field: 'satisfaction', value: '3.5' }),
    ]);
    const res = await request(
      'POST',
      '/imports/tickets',
      `${head}\nD-1,K-1,Decimal,open,2026-01-05 10:00,3.0`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await tickets()).find((r) => r.external_id === 'D-1')?.satisfaction).toBe(3);
  });

  it('imports an xlsx with time cells read as workspace wall-clock times; the same file again changes nothing', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('工单');
    sheet.addRow(['工单号', '客户编号', '标题', '状态', '创建时间', '首次响应时间', '关闭时间', '评分']);
    sheet.addRow([
      'X-1',
      'K-2',
      '登录失败',
      'Solved',
      new Date(Date.UTC(2026, 0, 5, 9, 30)),
      new Date(Date.UTC(2026, 0, 5, 10, 0)),
      new Date(Date.UTC(2026, 0, 6, 18, 0)),
      4,
    ]);
    sheet.addRow(['X-2', 'K-2', '导出乱码', 'Pending', '2026/1/7 08:15', '', '', '']);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await request('POST', '/imports/tickets', bytes, { 'content-type': XLSX });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ committed: true, file: { format: 'xlsx' }, created: 2 });
    const x1 = (await tickets()).find((r) => r.external_id === 'X-1')!;
    const zone = ws.workspace.timeZone;
    expect(x1).toMatchObject({
      status: 'solved',
      satisfaction: 4,
      opened_at: cellInstant('2026-01-05 09:30', zone),
      first_response_at: cellInstant('2026-01-05 10:00', zone),
      solved_at: cellInstant('2026-01-06 18:00', zone),
    });
    const again = await request('POST', '/imports/tickets', bytes, { 'content-type': XLSX });
    expect(again.body).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 2 });
  });
});

describe('an import in the worker', () => {
  it('runs off the event loop: /healthz answers while it writes in batches, progress comes from the run row', async () => {
    const rows = WRITE_BATCH * 2;
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('客户');
    sheet.addRow(['客户编号', '客户名称', '区域']);
    for (let i = 0; i < rows; i++) sheet.addRow([`W-${i}`, `批量客户${i}`, i % 2 ? '华东' : '华南']);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const before = answeredInWorkers();
    const started = await request('POST', '/imports/accounts?async=true&fileName=w.xlsx', bytes, {
      'content-type': XLSX,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(answeredInWorkers()).toBe(before + 1);
    const runId = started.body.runId as string;
    const phases = new Set<string>();
    const writeDone: number[] = [];
    const healthz: number[] = [];
    let run: any;
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      const t0 = performance.now();
      const h = await t.app.request('/healthz');
      healthz.push(performance.now() - t0);
      expect(h.status).toBe(200);
      run = (await request('GET', `/imports/runs/${runId}`)).body;
      if (run.progress) {
        phases.add(run.progress.phase);
        if (run.progress.phase === 'write') writeDone.push(run.progress.done);
      }
      if (run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(run.status, JSON.stringify(run)).toBe('done');
    expect(run.progress).toBeNull();
    expect(run.report).toMatchObject({ committed: true, created: rows });
    // The main thread never ran the import: its own map has no progress for the run.
    const { importProgress } = await import('../../src/modules/accounts/index.ts');
    expect(importProgress(runId)).toBeUndefined();
    // Progress was seen from the worker's batches (stored on the run), never going back.
    expect(phases.size).toBeGreaterThan(0);
    expect(writeDone).toEqual([...writeDone].sort((a, b) => a - b));
    for (const n of writeDone) expect(n).toBeLessThanOrEqual(rows);
    expect(healthz.length).toBeGreaterThan(1);
    const count = await t.deps.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', ws.workspace.id)
      .where('external_id', 'like', 'W-%')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(rows);
  }, 300_000);
});
