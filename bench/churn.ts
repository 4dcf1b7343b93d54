// npm run bench:churn — training the churn model on BENCH_ACCOUNTS accounts (default 100,000) ×
// 4 horizons, next to building the facts of the same samples, measured in the same run.
//
// Generates (or reuses) ./data/bench-churn-<N>.db in a child process (the measuring process never
// holds the loader's memory): every account has one annual contract that ended 40 to 220 days ago
// (so its outcome is known and each horizon has a sample), three count metrics written straight
// into metric_daily every 7 days over the year before the end, and seats, region and industry.
// Churn is caused, noisily, by usage falling over the last months and by few seats; the churned
// contracts are marked churned, the rest renewed.
//
// Then, in a process whose heap is bounded as the retrain's worker is (STEWARD_RECOMPUTE_HEAP_MB),
// one horizon at a time as the retrain runs it (so only one horizon's samples are held):
//   1. facts: buildTrainingSet (the point-in-time training set the retrain builds: the facts of
//      every sample as of its day, through loadEvaluationBatch), timed, with its peak RSS;
//   2. training: trainHorizon on that horizon's samples, as the retrain runs it
//      (model 'auto': logistic regression and the random forest cross-validated on the same
//      grouped, time-ordered folds, the better refitted, its global drivers), timed, with its peak RSS.
// Prints training / facts (target <= 3x) and the peak RSS (target < 1 GB).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../src/config.ts';
import { type Deps, systemCtx } from '../src/context.ts';
import { openDeps } from '../src/deps.ts';
import { render } from '../src/i18n/index.ts';
import { newId } from '../src/ids.ts';
import { HORIZONS } from '../src/modules/churn/horizons.ts';
import type { HorizonCard } from '../src/modules/churn/model-store.ts';
import { churnInputKeys, featureKeys, sampleKeys, trainHorizon } from '../src/modules/churn/train.ts';
import { buildTrainingSet } from '../src/modules/churn/training-set.ts';
import { loadCatalogue } from '../src/modules/facts/index.ts';
import { createWorkspace, toRef } from '../src/modules/workspaces/index.ts';
import { addDays, today } from '../src/time.ts';
import { fmt, gc, hwm, log, mb, prng, rssSampler, seconds } from './recompute.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const METRICS = 3;
const TARGET_RATIO = 3;
const TARGET_RSS_MB = 1024;
const NAME = 'bench-churn';
const SLUG = `bench-churn-${ACCOUNTS}`;
const file = `./data/bench-churn-${ACCOUNTS}.db`;
const config = loadConfig({ ...process.env, DATABASE_URL: file, LOG_LEVEL: 'warn' });

const REGIONS = ['华东', '华北', '华南', '西南', '华中'];
const INDUSTRIES = ['制造', '零售', '金融', '教育', '医疗', '互联网'];

/** The generating child: bulk INSERTs on a connection of its own, one transaction per 2,000 accounts. */
async function generate() {
  const { deps, close } = await openDeps(config);
  const workspace = await createWorkspace(deps, {
    name: `${NAME} (generating)`,
    slug: SLUG,
    baseCurrency: 'CNY',
    timeZone: config.timeZone,
  });
  const ctx = systemCtx(deps, toRef(workspace), 'bench');
  const T = today(ctx);
  const now = new Date().toISOString();
  const metricIds = Array.from({ length: METRICS }, () => newId());
  await deps.db
    .insertInto('metric_definitions')
    .values(
      metricIds.map((id, m) => ({
        id,
        workspace_id: workspace.id,
        key: `m${m + 1}`,
        name: `Metric m${m + 1}`,
        description: null,
        aggregation: 'count',
        event_names: JSON.stringify([`Event m${m + 1}`]),
        property_filters: '[]',
        value_property: null,
        behaviour: 'value',
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  await close();
  const db = new SQLite(config.database.kind === 'sqlite' ? config.database.file : file);
  db.pragma('journal_mode = DELETE');
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const ws = workspace.id;
  const account = db.prepare(
    `insert into accounts (id, workspace_id, external_id, name, search_text, region, industry, licensed_seats,
       go_live_date, tags, arr_minor, mrr_minor, renewal_date, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, null, ?, ?)`,
  );
  const contract = db.prepare(
    `insert into contracts (id, workspace_id, account_id, external_id, start_date, end_date, amount_minor,
       currency, billing_period, fx_rate, arr_minor, mrr_minor, status, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, 'CNY', 'annual', 1, ?, ?, ?, ?, ?)`,
  );
  const daily = db.prepare(
    'insert into metric_daily (workspace_id, metric_id, account_id, day, value) values (?, ?, ?, ?, ?)',
  );
  const rand = prng(13);
  let rows = 0;
  let churned = 0;
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = newId();
      const end = addDays(T, -40 - Math.floor(rand() * 180));
      const start = addDays(end, -364);
      const seats = 5 + Math.floor(rand() ** 2 * 300);
      const level = Math.exp(rand() * 3);
      // Usage falls (or grows) over the last 120 days of the term; a falling one churns more often.
      const decline = rand() < 0.3 ? 0.2 + rand() * 0.7 : 0;
      const risk = 0.05 + 0.5 * decline + (seats < 30 ? 0.1 : 0);
      const churns = rand() < risk;
      if (churns) churned++;
      const arrMinor = Math.round(10_000 + rand() * 200_000) * 100;
      account.run(
        id,
        ws,
        `acc-${i}`,
        `Account ${i}`,
        `account ${i} acc-${i}`,
        REGIONS[i % REGIONS.length],
        INDUSTRIES[Math.floor(rand() * INDUSTRIES.length)],
        seats,
        start,
        0,
        0,
        now,
        now,
      );
      contract.run(
        newId(),
        ws,
        id,
        `c-${i}`,
        start,
        end,
        arrMinor,
        arrMinor,
        Math.round(arrMinor / 12),
        churns ? 'churned' : 'renewed',
        now,
        now,
      );
      for (let m = 0; m < METRICS; m++) {
        if (m > 0 && rand() < 0.4) continue;
        for (let d = -364; d <= 0; d += 7) {
          const fall = d > -120 ? 1 - (decline * (d + 120)) / 120 : 1;
          const v = Math.round(7 * level * fall * (0.5 + rand()));
          if (v <= 0) continue;
          daily.run(ws, metricIds[m], id, addDays(end, d), v);
          rows++;
        }
      }
    }
  });
  for (let from = 0; from < ACCOUNTS; from += 2000) {
    chunk(from, Math.min(ACCOUNTS, from + 2000));
    if ((from + 2000) % 20_000 === 0) log(`generated ${fmt(from + 2000)}/${fmt(ACCOUNTS)} accounts`);
  }
  db.prepare('update workspaces set name = ? where id = ?').run(NAME, ws);
  db.pragma('journal_mode = WAL');
  db.close();
  log(`metric_daily rows ${fmt(rows)}, churned contracts ${fmt(churned)}`);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv[2] === 'generate') {
  await generate();
  process.exit(0);
}

const findWorkspace = (deps: Deps) =>
  deps.db.selectFrom('workspaces').selectAll().where('slug', '=', SLUG).executeTakeFirst();

async function measure<T>(sampler: ReturnType<typeof rssSampler>, run: () => Promise<T>) {
  gc();
  const before = await sampler.reset();
  const kernelReset = hwm.reset();
  const started = performance.now();
  const value = await run();
  const ms = performance.now() - started;
  const sampled = await sampler.read();
  const kernel = kernelReset ? hwm.read() : null;
  return { value, ms, before, peak: Math.max(sampled, kernel ?? 0) };
}

// The retrain runs in a worker thread whose old generation is bounded by STEWARD_RECOMPUTE_HEAP_MB
// (churn/worker.ts): measure under the same bound, in a child process started with it.
const bound = `--max-old-space-size=${config.recomputeHeapMb}`;
if (isMain && process.argv[2] !== 'generate' && !process.execArgv.includes(bound)) {
  const child = spawn(process.execPath, [...process.execArgv, bound, fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
  });
  process.exit(await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1))));
}

if (isMain) {
  log(`measuring with the retrain worker's heap bound (${bound})`);
  let { deps, close } = await openDeps(config);
  let ws = await findWorkspace(deps);
  let generatedMs: number | null = null;
  if (ws?.name !== NAME) {
    await close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    log(`generating ${fmt(ACCOUNTS)} accounts in a child process`);
    const started = performance.now();
    // The loader is not the retrain: it runs without the bound.
    const loaderArgs = process.execArgv.filter((a) => a !== bound);
    const child = spawn(process.execPath, [...loaderArgs, fileURLToPath(import.meta.url), 'generate'], {
      stdio: 'inherit',
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`generation failed (exit code ${code})`);
    generatedMs = performance.now() - started;
    ({ deps, close } = await openDeps(config));
    ws = await findWorkspace(deps);
    if (ws?.name !== NAME) throw new Error('generation did not complete');
  } else console.log(`Reusing ${file} (delete it to regenerate)`);
  const ctx = systemCtx(deps, { id: ws.id, baseCurrency: ws.base_currency, timeZone: ws.time_zone }, 'bench');
  const day = today(ctx);
  const known = await churnInputKeys(ctx);
  const features = featureKeys(await loadCatalogue(ctx)).filter((k) => known.has(k));
  const sampler = rssSampler();

  // As the retrain runs it: one horizon at a time, its samples built, then trained on and dropped.
  type Phase = { ms: number; peak: number; before: number };
  const facts: Phase = { ms: 0, peak: 0, before: Number.POSITIVE_INFINITY };
  const training: Phase & { value: HorizonCard[] } = {
    ms: 0,
    peak: 0,
    before: Number.POSITIVE_INFINITY,
    value: [],
  };
  let sampleCount = 0;
  const add = (into: Phase, m: Phase) => {
    into.ms += m.ms;
    into.peak = Math.max(into.peak, m.peak);
    into.before = Math.min(into.before, m.before);
  };
  for (const h of HORIZONS) {
    const built = await measure(sampler, () =>
      buildTrainingSet(ctx, { day, from: addDays(day, -730), horizons: [h], keys: sampleKeys(features) }),
    );
    add(facts, built);
    sampleCount += built.value.length;
    log(`  ${h} days: facts of ${fmt(built.value.length)} samples in ${seconds(built.ms)}`);
    const trained = await measure(sampler, async () =>
      trainHorizon(h, built.value, features, { model: 'auto' }),
    );
    add(training, trained);
    training.value.push(trained.value.card);
    log(`  ${h} days: trained in ${seconds(trained.ms)}, ${trained.value.card.model ?? 'no model'}`);
  }
  await sampler.stop();
  const maxRss = process.resourceUsage().maxRSS * 1024;
  await close();

  const f = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));
  console.log(`\nSteward churn training benchmark: sqlite, day ${day}`);
  console.log(
    `accounts ${fmt(ACCOUNTS)}, samples ${fmt(sampleCount)} (${HORIZONS.length} horizons), features ${features.length}`,
  );
  console.log(`generation: ${generatedMs === null ? 'reused' : seconds(generatedMs)}`);
  console.log(
    `facts (buildTrainingSet): ${seconds(facts.ms)}, peak RSS ${mb(facts.peak).toFixed(0)} MB (before ${mb(facts.before).toFixed(0)} MB)`,
  );
  const ratio = training.ms / facts.ms;
  console.log(
    `training (4 horizons, logistic + forest cross-validated, the better refitted): ${seconds(training.ms)}, ` +
      `peak RSS ${mb(training.peak).toFixed(0)} MB (before ${mb(training.before).toFixed(0)} MB)`,
  );
  console.log(
    `ratio training / facts: ${ratio.toFixed(2)} x (target <= ${TARGET_RATIO}x)${ratio <= TARGET_RATIO ? ' ok' : ' OVER'}`,
  );
  const peak = Math.max(facts.peak, training.peak);
  console.log(
    `peak RSS ${mb(peak).toFixed(0)} MB (target < ${TARGET_RSS_MB} MB)${mb(peak) < TARGET_RSS_MB ? ' ok' : ' OVER'}; process maxRSS ${mb(maxRss).toFixed(0)} MB`,
  );
  for (const c of training.value) {
    const cands = (c.candidates ?? []).map((k) => `${k.kind} ${f(k.auc)}`).join(', ');
    console.log(
      `  ${String(c.horizonDays).padStart(3)} days: ${c.outcomes.samples} samples, ${c.outcomes.churned} churned; ` +
        (c.model
          ? `chose ${c.model} (${cands}); health ${f(c.baselines?.health.auc)}, usage decline ${f(c.baselines?.usageDecline.auc)}`
          : `no model: ${c.reason ? render('en', c.reason) : 'not trained'}`),
    );
  }
}
