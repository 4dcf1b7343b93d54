// npm run bench:tasks — "my tasks" queries at scale.
//
// Makes a workspace of 2,000 accounts and 20 CSMs with BENCH_TASKS tasks (default 100,000, so about
// 5,000 per CSM: far more than a real book of work) in a fresh SQLite file, or in DATABASE_URL, and
// times the queries the workbench runs on every visit: my overdue tasks, my open tasks by priority,
// an account's tasks, my summary counts, and automation's findOpenTask dedupe.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { type Ctx, type Deps, systemCtx } from '../src/context.ts';
import { openDatabase } from '../src/db/index.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { newId } from '../src/ids.ts';
import { createLogger } from '../src/logger.ts';
import { createUser } from '../src/modules/auth/index.ts';
import { findOpenTask, ListTasks, listTasks, taskSummary } from '../src/modules/tasks/index.ts';
import { createWorkspace, toRef } from '../src/modules/workspaces/index.ts';
import { addDays, today } from '../src/time.ts';

const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const ACCOUNTS = 2000;
const USERS = 20;
const RUNS = 20;

const url = process.env.DATABASE_URL ?? join(mkdtempSync(join(tmpdir(), 'steward-bench-tasks-')), 'bench.db');
const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', STEWARD_DEMO: '0' });
const handle = openDatabase(config.database, { poolSize: 4 });
await migrateToLatest(handle.db);
const deps: Deps = {
  db: handle.db,
  engine: handle.engine,
  config,
  logger: createLogger('silent'),
  now: () => new Date(),
};
const workspace = await createWorkspace(deps, {
  name: 'Bench tasks',
  baseCurrency: 'CNY',
  timeZone: 'Asia/Shanghai',
});
const ctx = systemCtx(deps, toRef(workspace), 'bench');
const tag = Date.now().toString(36);

const users: string[] = [];
for (let i = 0; i < USERS; i++) {
  const input = {
    email: `csm${i}.${tag}@bench.steward.dev`,
    name: `CSM ${i}`,
    role: 'csm' as const,
    locale: 'en' as const,
    password: 'bench-password',
  };
  users.push((await createUser({ ctx, input })).id);
}
const now = new Date().toISOString();
const accounts: string[] = [];
for (let i = 0; i < ACCOUNTS; i += 200) {
  const rows = Array.from({ length: 200 }, (_, j) => ({
    id: newId(),
    workspace_id: workspace.id,
    external_id: `bench-${i + j}`,
    name: `Bench ${i + j}`,
    search_text: `bench ${i + j}`,
    parent_id: null,
    owner_id: users[(i + j) % USERS]!,
    region: null,
    industry: null,
    product_lines: '[]',
    licensed_seats: null,
    go_live_date: null,
    tags: '[]',
    custom_fields: '{}',
    arr_minor: 0,
    mrr_minor: 0,
    renewal_date: null,
    created_at: now,
    updated_at: now,
  }));
  await handle.db.insertInto('accounts').values(rows).execute();
  accounts.push(...rows.map((r) => r.id));
}
// Due dates spread over 60 days either side of today; 3 in 8 done or cancelled, 1 in 3 from a rule.
const day = today(ctx);
const STATUSES = ['open', 'open', 'in_progress', 'done', 'done', 'done', 'cancelled', 'snoozed'];
for (let i = 0; i < TASKS; i += 500) {
  const rows = Array.from({ length: Math.min(500, TASKS - i) }, (_, j) => {
    const k = i + j;
    const status = STATUSES[k % STATUSES.length]!;
    return {
      id: newId(),
      workspace_id: workspace.id,
      account_id: accounts[k % ACCOUNTS]!,
      title: `Task ${k}`,
      description: null,
      type: 'call',
      assignee_id: users[k % USERS]!,
      priority: `P${k % 4}`,
      due_date: addDays(day, (k % 120) - 60),
      status,
      snoozed_until: status === 'snoozed' ? addDays(day, 3) : null,
      source: k % 3 === 0 ? 'rule' : 'manual',
      rule_id: k % 3 === 0 ? `rule-${k % 50}` : null,
      rule_run_id: null,
      created_by: null,
      created_at: now,
      updated_at: now,
      completed_at: null,
    };
  });
  await handle.db.insertInto('tasks').values(rows).execute();
}

const me: Ctx = {
  ...ctx,
  actor: { kind: 'user', userId: users[0]!, role: 'csm', via: 'token', scopes: ['read', 'write'] },
};
async function time(name: string, fn: () => Promise<unknown>) {
  await fn();
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) await fn();
  console.log(`${name.padEnd(36)} ${((performance.now() - started) / RUNS).toFixed(2).padStart(8)} ms`);
}
console.log(`${handle.engine}: ${TASKS} tasks, ${ACCOUNTS} accounts, ${USERS} CSMs (mean of ${RUNS} runs)`);
await time('my overdue tasks (page of 50)', () =>
  listTasks({ ctx: me, input: ListTasks.parse({ assigneeId: 'me', due: 'overdue' }) }),
);
await time('my open tasks by priority (page 1)', () =>
  listTasks({
    ctx: me,
    input: ListTasks.parse({ assigneeId: 'me', status: 'open,in_progress', sort: 'priority' }),
  }),
);
await time('one account’s tasks', () =>
  listTasks({ ctx: me, input: ListTasks.parse({ accountId: accounts[7] }) }),
);
await time('my summary counts', () => taskSummary({ ctx: me, input: { assigneeId: 'me' } }));
await time('findOpenTask (automation dedupe)', () =>
  findOpenTask(ctx, { ruleId: 'rule-3', accountId: accounts[3]! }),
);
await handle.close();
