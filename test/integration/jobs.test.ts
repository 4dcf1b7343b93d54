import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/context.ts';
import { type DbHandle, openDatabase } from '../../src/db/index.ts';
import { type JobDefinition, runJobSlot, startScheduler } from '../../src/jobs/runner.ts';
import { SCHEDULE } from '../../src/jobs/schedule.ts';
import { createAccount, createContract } from '../../src/modules/accounts/index.ts';
import { addDays, dayInZone } from '../../src/time.ts';
import { createTestApp, createTestWorkspace, ENGINE, type TestApp } from '../helpers/test-app.ts';

// Two "nodes" on one database: the test app's connection and a second, independent one (a second
// pool on PostgreSQL, a second connection to the same file on SQLite), as two processes would have.
let t: TestApp;
let second: DbHandle;
let nodeA: Deps;
let nodeB: Deps;

beforeAll(async () => {
  t = await createTestApp();
  second = openDatabase(t.deps.config.database, { poolSize: 4 });
  nodeA = t.deps;
  nodeB = { ...t.deps, db: second.db };
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

function runsOf(job: string) {
  return t.deps.db.selectFrom('job_runs').selectAll().where('job', '=', job).orderBy('slot').execute();
}

/** Counts the claim attempts (inserts into job_runs) a node makes, won or lost. */
function countClaims(deps: Deps): { deps: Deps; claims: () => number } {
  let claims = 0;
  const plugin: KyselyPlugin = {
    transformQuery: ({ node }: PluginTransformQueryArgs) => {
      if (node.kind === 'InsertQueryNode' && node.into?.table.identifier.name === 'job_runs') claims++;
      return node;
    },
    transformResult: async ({ result }: PluginTransformResultArgs) => result,
  };
  return { deps: { ...deps, db: deps.db.withPlugin(plugin) }, claims: () => claims };
}

describe(`the job claim (${ENGINE})`, () => {
  it('two schedulers on one database run every per-second slot exactly once', async () => {
    const name = unique('tick');
    const calls: { node: string; slot: string }[] = [];
    const job = (node: string): JobDefinition => ({
      name,
      cron: '* * * * * *',
      description: 'test tick',
      handler: async (_deps, slot) => {
        calls.push({ node, slot: slot.toISOString() });
        await sleep(100);
        return { node };
      },
    });
    const a = countClaims(nodeA);
    const b = countClaims(nodeB);
    const schedulers = [
      startScheduler(a.deps, [job('node-a')], 'node-a'),
      startScheduler(b.deps, [job('node-b')], 'node-b'),
    ];
    await sleep(3500);
    for (const s of schedulers) s.stop();
    // Let the last claimed run finish.
    for (let i = 0; i < 50 && (await runsOf(name)).some((r) => r.status === 'running'); i++) await sleep(100);

    const runs = await runsOf(name);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(4);
    // The handler ran once per recorded slot, never twice for one slot.
    expect(calls).toHaveLength(runs.length);
    expect(new Set(calls.map((c) => c.slot)).size).toBe(calls.length);
    expect(calls.map((c) => c.slot).sort()).toEqual(runs.map((r) => r.slot));
    // Both nodes tried (about) every slot; only the winner of each claim ran it.
    expect(a.claims()).toBeGreaterThanOrEqual(runs.length - 1);
    expect(b.claims()).toBeGreaterThanOrEqual(runs.length - 1);
    expect(a.claims() + b.claims()).toBeGreaterThan(runs.length);
    for (const r of runs) {
      const call = calls.find((c) => c.slot === r.slot)!;
      expect(r).toMatchObject({
        run_id: `${name}@${r.slot}`,
        status: 'succeeded',
        node: call.node,
        error: null,
      });
      expect(JSON.parse(r.result!)).toEqual({ node: call.node });
      // A slot is the tick's scheduled second: whole, and not after the run started.
      expect(Date.parse(r.slot) % 1000).toBe(0);
      expect(Date.parse(r.slot)).toBeLessThanOrEqual(Date.parse(r.started_at));
      expect(Date.parse(r.started_at) - Date.parse(r.slot)).toBeLessThan(1000);
      expect(r.finished_at! >= r.started_at).toBe(true);
    }
    // Consecutive slots are one second apart: no tick skipped, none named twice.
    const seconds = runs.map((r) => Date.parse(r.slot) / 1000);
    expect(seconds.slice(1).map((s, i) => s - seconds[i]!)).toEqual(seconds.slice(1).map(() => 1));
  });

  it('runJobSlot from two nodes for the same slot: exactly one runs it', async () => {
    const name = unique('race');
    let calls = 0;
    const job: JobDefinition = {
      name,
      cron: '0 * * * *',
      description: 'test race',
      handler: async () => {
        calls++;
        await sleep(20);
        return undefined;
      },
    };
    for (let i = 0; i < 10; i++) {
      const slot = new Date(Date.UTC(2030, 0, 1, i));
      const results = await Promise.all([
        runJobSlot(nodeA, job, slot, 'node-a'),
        runJobSlot(nodeB, job, slot, 'node-b'),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const [row] = await t.deps.db
        .selectFrom('job_runs')
        .selectAll()
        .where('run_id', '=', `${name}@${slot.toISOString()}`)
        .execute();
      expect(row).toMatchObject({
        status: 'succeeded',
        result: null,
        node: results[0] ? 'node-a' : 'node-b',
      });
      // Later attempts at a slot that ran are refused too.
      expect(await runJobSlot(nodeB, job, slot, 'node-c')).toBe(false);
    }
    expect(calls).toBe(10);
    expect(await runsOf(name)).toHaveLength(10);
  });

  it('records a failing handler as failed, with the error', async () => {
    const name = unique('fail');
    const job: JobDefinition = {
      name,
      cron: '0 * * * *',
      description: 'always fails',
      handler: async () => {
        throw new Error('upstream CRM unreachable');
      },
    };
    const slot = new Date(Date.UTC(2030, 0, 1));
    expect(await runJobSlot(nodeA, job, slot, 'node-a')).toBe(true);
    const [row] = await runsOf(name);
    expect(row).toMatchObject({ status: 'failed', result: null, node: 'node-a' });
    expect(row!.error).toMatch(/upstream CRM unreachable/);
    expect(row!.finished_at).toBeTruthy();
  });
});

describe('refresh-contract-figures', () => {
  it("moves an account's ARR when its contract has ended and the next one started", async () => {
    const ws = await createTestWorkspace(t.deps, 'Jobs');
    const today = dayInZone(new Date(), ws.workspace.timeZone);
    const account = await createAccount({
      ctx: ws.ctx,
      input: { externalId: unique('J'), name: 'Renewing' },
    });
    await createContract({
      ctx: ws.ctx,
      input: {
        accountId: account.id,
        startDate: addDays(today, -364),
        endDate: today,
        amount: 120_000,
      },
    });
    await createContract({
      ctx: ws.ctx,
      input: { accountId: account.id, startDate: addDays(today, 1), amount: 150_000 },
    });
    const figures = () =>
      t.deps.db
        .selectFrom('accounts')
        .select(['arr_minor', 'mrr_minor', 'renewal_date'])
        .where('id', '=', account.id)
        .executeTakeFirstOrThrow();
    expect(await figures()).toMatchObject({ arr_minor: 12_000_000, renewal_date: today });

    // Tomorrow, as the nightly run sees it. (One day ahead keeps other test files' figures, on a
    // shared PostgreSQL database, moving only for contracts that end today or start tomorrow.)
    const tomorrow: Deps = { ...t.deps, now: () => new Date(Date.now() + 86_400_000) };
    const job = SCHEDULE.find((j) => j.name === 'refresh-contract-figures')!;
    const slot = new Date(Date.UTC(2031, 0, 1, 16, 5, Math.floor(Math.random() * 60)));
    expect(await runJobSlot(tomorrow, job, slot, unique('node'))).toBe(true);

    expect(await figures()).toMatchObject({
      arr_minor: 15_000_000,
      mrr_minor: 1_250_000,
      renewal_date: null,
    });
    const run = await t.deps.db
      .selectFrom('job_runs')
      .selectAll()
      .where('run_id', '=', `${job.name}@${slot.toISOString()}`)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('succeeded');
    const result = JSON.parse(run.result!);
    expect(result.workspaces).toBeGreaterThanOrEqual(1);
    expect(result.accounts).toBeGreaterThanOrEqual(1);
  });
});
