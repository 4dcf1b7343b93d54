// npm run bench:assign — assignment of 100,000 accounts to 400 CSMs in 40 groups.
//
// Builds a fresh workspace in ./data/bench-assign.db (or DATABASE_URL; BENCH_ACCOUNTS changes the
// size) with bulk INSERTs: 10 regions x 4 tiers = 40 groups scoped `region = "Rn" and tier = "t"`,
// 400 CSMs spread over the tiers by their load, and 100,000 accounts (70% small, 20% medium, 8%
// large, 2% very large; 1% children of another account) of which 60% already have an owner, a
// fifth of those in the wrong group, and 40% have none. Capacities are set so the team can carry
// the book at about 90%.
//
// The limit is the engine's own time to read the rows assignment needs (accounts joined with their
// state, one query, best of two). Reported: preview (load + plan, writing nothing), apply in
// rebalance mode (the plan again, then every owner change, CSM team role, timeline entry and the
// audit row in one transaction), and a second preview (nothing left to move), each as seconds and
// as a ratio to the limit, with the process's peak RSS.
import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { type Ctx, systemCtx } from '../src/context.ts';
import { openDeps } from '../src/deps.ts';
import { newId } from '../src/ids.ts';
import { loadCurrentStates } from '../src/modules/state/index.ts';
import {
  applyAssignment,
  bookQuery,
  previewAssignment,
  updateTeamSettings,
} from '../src/modules/team/index.ts';
import { createWorkspace, toRef } from '../src/modules/workspaces/index.ts';
import { today } from '../src/time.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const REGIONS = 10;
const TIERS = [
  // tier, share of accounts, accounts per CSM, CSMs per region (400 in all)
  ['small', 0.7, 500, 16],
  ['medium', 0.2, 250, 9],
  ['large', 0.08, 125, 7],
  ['very_large', 0.02, 30, 8],
] as const;

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const log = (msg: string) => process.stderr.write(`  ${msg}\n`);

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);

async function insertChunks<T>(ctx: Ctx, table: string, rows: T[], size = 1000) {
  for (let i = 0; i < rows.length; i += size) {
    await ctx.db
      .insertInto(table as never)
      .values(rows.slice(i, i + size) as never)
      .execute();
  }
}

async function main() {
  const url = process.env.DATABASE_URL ?? './data/bench-assign.db';
  if (!url.startsWith('postgres')) rmSync(url, { force: true });
  const config = loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent', STEWARD_DEMO: '0' });
  const { deps, close } = await openDeps(config);
  const workspace = await createWorkspace(deps, {
    name: 'Bench assign',
    baseCurrency: 'CNY',
    timeZone: 'Asia/Shanghai',
  });
  const ctx = systemCtx(deps, toRef(workspace), 'bench');
  const ws = workspace.id;
  const now = new Date().toISOString();
  const day = today(ctx);
  const rnd = prng(7);
  const t0 = Date.now();

  await updateTeamSettings({
    ctx,
    input: { capacities: Object.fromEntries(TIERS.map(([tier, , per]) => [tier, { accountsPerCsm: per }])) },
  });
  const users: Record<string, unknown>[] = [];
  const groups: Record<string, unknown>[] = [];
  const members: Record<string, unknown>[] = [];
  const csmsOf = new Map<string, string[]>();
  let position = 0;
  for (let r = 0; r < REGIONS; r++) {
    for (const [tier, , , count] of TIERS) {
      const groupId = newId();
      groups.push({
        id: groupId,
        workspace_id: ws,
        key: `r${r}_${tier}`,
        name: `R${r} ${tier}`,
        lead_id: null,
        scope: JSON.stringify({
          and: [
            { fact: 'region', op: '=', value: `R${r}` },
            { fact: 'tier', op: '=', value: tier },
          ],
        }),
        position: position++,
        created_at: now,
        updated_at: now,
      });
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const id = newId();
        ids.push(id);
        users.push({
          id,
          workspace_id: ws,
          email: `csm-${r}-${tier}-${i}-${ws.slice(-6)}@bench.steward.dev`,
          name: `CSM ${r}-${tier}-${i}`,
          locale: 'en',
          role: 'csm',
          password_hash: 'x',
          active: 1,
          last_login_at: null,
          created_at: now,
          updated_at: now,
        });
        members.push({
          workspace_id: ws,
          user_id: id,
          group_id: groupId,
          capacity_factor: 1,
          created_at: now,
        });
      }
      csmsOf.set(`${r}:${tier}`, ids);
    }
  }
  const accounts: Record<string, unknown>[] = [];
  const states: Record<string, unknown>[] = [];
  const allIds: string[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const id = newId();
    const region = Math.floor(rnd() * REGIONS);
    const x = rnd();
    const tier = x < 0.7 ? 'small' : x < 0.9 ? 'medium' : x < 0.98 ? 'large' : 'very_large';
    const arr =
      tier === 'small' ? 50_000 : tier === 'medium' ? 200_000 : tier === 'large' ? 600_000 : 2_000_000;
    let owner: string | null = null;
    if (rnd() < 0.6) {
      const wrong = rnd() < 0.2;
      const key = wrong ? `${Math.floor(rnd() * REGIONS)}:${tier}` : `${region}:${tier}`;
      const list = csmsOf.get(key)!;
      owner = list[Math.floor(rnd() * list.length)]!;
    }
    const parent = i > 100 && rnd() < 0.01 ? allIds[Math.floor(rnd() * allIds.length)]! : null;
    allIds.push(id);
    accounts.push({
      id,
      workspace_id: ws,
      external_id: `B${i}`,
      name: `Bench ${i}`,
      search_text: `bench ${i} b${i}`,
      parent_id: parent,
      owner_id: owner,
      region: `R${region}`,
      industry: null,
      product_lines: '[]',
      licensed_seats: null,
      go_live_date: null,
      tags: '[]',
      custom_fields: '{}',
      arr_minor: arr * 100,
      mrr_minor: Math.round((arr * 100) / 12),
      renewal_date: null,
      created_at: now,
      updated_at: now,
    });
    states.push({
      workspace_id: ws,
      account_id: id,
      day,
      health_score: null,
      health_status: null,
      health_model_id: null,
      health_trend_7d: null,
      health_trend_30d: null,
      tier,
      tier_since: day,
      stage: null,
      stage_since: null,
      segments: '[]',
      updated_at: now,
    });
  }
  await ctx.db.transaction().execute(async (trx) => {
    const tx = { ...ctx, db: trx };
    await insertChunks(tx, 'users', users);
    await insertChunks(tx, 'csm_groups', groups);
    await insertChunks(tx, 'csm_group_members', members);
    await insertChunks(tx, 'accounts', accounts, 500);
    await insertChunks(tx, 'account_states', states);
  });
  if (deps.engine === 'postgres') await sql`analyze`.execute(deps.db);
  log(
    `generated ${ACCOUNTS} accounts, ${users.length} CSMs, ${groups.length} groups in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const limitRun = async () => {
    const s = performance.now();
    await bookQuery(ctx).execute();
    await loadCurrentStates(ctx, null);
    return performance.now() - s;
  };
  const limit = Math.min(await limitRun(), await limitRun());
  const results: [string, number, number, string][] = [];
  const measure = async (name: string, fn: () => Promise<string>) => {
    peak = process.memoryUsage().rss;
    const s = performance.now();
    const note = await fn();
    const ms = performance.now() - s;
    results.push([name, ms, peak, note]);
  };
  await measure('preview (unowned)', async () => {
    const p = await previewAssignment({ ctx, input: { mode: 'unowned', limit: 0 } });
    return `${p.summary.moves} moves, unplaced ${JSON.stringify(p.summary.unplaced)}`;
  });
  await measure('preview (rebalance)', async () => {
    const p = await previewAssignment({ ctx, input: { mode: 'rebalance', limit: 0 } });
    return `${p.summary.moves} moves ${JSON.stringify(p.summary.byReason)}, unplaced ${JSON.stringify(p.summary.unplaced)}`;
  });
  await measure('apply (rebalance)', async () => {
    const p = await applyAssignment({ ctx, input: { mode: 'rebalance', limit: 0 } });
    return `${p.summary.moves} moves applied with timeline entries`;
  });
  await measure('preview again', async () => {
    const p = await previewAssignment({ ctx, input: { mode: 'rebalance', limit: 0 } });
    return `${p.summary.moves} moves left`;
  });
  clearInterval(sampler);
  console.log(
    `\nbench:assign on ${deps.engine}: ${ACCOUNTS.toLocaleString('en-US')} accounts, 400 CSMs, 40 groups`,
  );
  console.log(`limit (read the rows assignment needs): ${limit.toFixed(0)} ms`);
  console.log('| step | time | x limit | peak RSS | result |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, ms, rss, note] of results) {
    console.log(
      `| ${name} | ${(ms / 1000).toFixed(2)} s | ${(ms / limit).toFixed(1)} | ${mb(rss)} MB | ${note} |`,
    );
  }
  console.log(`process max RSS: ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
  await close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
