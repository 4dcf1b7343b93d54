// npm run bench:rules — 50 automation rules evaluated over every account's facts, next to the time
// to build those facts (buildFacts) in the same run. Target: evaluating all rules costs less than
// building the facts they read.
//
// Reuses bench/recompute.ts's workspace (BENCH_ACCOUNTS accounts, default 100,000; 20 count metrics,
// m01-m10 value behaviour; 90 days of rollups), generating it on first use. The rules mix every
// daily trigger (metric WoW/MoM/YoY and 30-vs-prior-30 changes, bottom/top N% overall and within
// tier, no value behaviour for N days, renewals within N days, health drops, state changes, daily
// conditions) with conditions of 1-4 comparisons, a percentile and tier tests. Measured:
//   facts     buildFacts(all accounts, day), tiers assigned by the default scheme (pure)
//   inputs    loadDayInputs: the day's state changes, sentiments, health N days ago, value activity
//   evaluate  trigger + condition + limits of the 50 rules (matchRule, applyLimits)
// each with the process's peak RSS (sampled every 50 ms on a worker thread). Nothing is written:
// acting on matches is the verbs' cost (tasks, tags...), not the rules'.
import type { Action, Trigger } from '../src/modules/automation/automation.schemas.ts';
import { applyLimits, loadDayInputs, matchRule, type RuleSpec } from '../src/modules/automation/index.ts';
import { batchEnv, buildFacts, compileCondition, loadCatalogue } from '../src/modules/facts/index.ts';
import { assignTier, loadActiveScheme } from '../src/modules/segments/index.ts';
import { gc, openBenchWorkspace, rssSampler } from './recompute.ts';

const RULES = 50;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmt = (n: number) => n.toLocaleString('en-US');

const { deps, close, ctx, day } = await openBenchWorkspace();
const metric = (i: number) => `m${String((i % 20) + 1).padStart(2, '0')}`;

/** 50 rules over the bench's metrics: every daily trigger kind, conditions of growing size. */
function ruleSet(): { trigger: Trigger; condition: string | null }[] {
  const out: { trigger: Trigger; condition: string | null }[] = [];
  const periods = ['wow', 'mom', 'yoy', 'last30_vs_prior30'] as const;
  for (let i = 0; out.length < RULES; i++) {
    const m = metric(i);
    const conditions = [
      null,
      `arr >= ${50_000 * (1 + (i % 5))}`,
      `tier = "${['strategic', 'growth', 'nurture'][i % 3]}" and metrics.${m}.total_30d > ${i % 7}`,
      `(days_to_renewal <= ${30 + i} or breadth < 0.3) and region in ["华东", "华北", "华南"]`,
      `percentile(metrics.${m}.total_30d within tier) <= ${10 + (i % 30)} and arr > 0 and not (industry = "金融")`,
    ];
    const condition = conditions[i % conditions.length]!;
    const triggers: Trigger[] = [
      { type: 'metric_change', metric: m, period: periods[i % 4]!, cmp: '<=', value: -0.3 },
      { type: 'metric_change', metric: m, period: periods[(i + 1) % 4]!, cmp: '>=', value: 0.5 },
      {
        type: 'metric_rank',
        metric: m,
        side: i % 2 ? 'top' : 'bottom',
        percent: 5 + (i % 20),
        within: i % 3 ? 'all' : 'tier',
      },
      { type: 'no_value', days: [7, 30, 90][i % 3]! },
      { type: 'renewal_within', days: 30 + (i % 4) * 30 },
      { type: 'health_drop', points: 10, days: 7 },
      { type: 'state_change', kind: 'tier' },
      { type: 'daily' },
    ];
    out.push({ trigger: triggers[i % triggers.length]!, condition });
  }
  return out;
}

const task: Action = {
  type: 'create_task',
  title: '{{name}}',
  taskType: 'risk',
  assignee: { role: 'owner' },
  priority: 'P2',
};
const catalogue = new Map((await loadCatalogue(ctx)).map((f) => [f.key, f]));
const specs: RuleSpec[] = ruleSet().map((r, i) => ({
  id: `bench-${i}`,
  source: 'rule',
  name: `Bench rule ${i}`,
  trigger: r.trigger,
  condition: r.condition === null ? null : compileCondition(r.condition, catalogue),
  actions: [task],
  cooldownDays: 7,
  maxActionsPerRun: 500,
  dedupe: true,
}));

const sampler = rssSampler();
gc();
const rssBefore = await sampler.reset();
let started = performance.now();
const facts = await buildFacts(ctx, null, day);
const scheme = await loadActiveScheme(ctx);
const tierEnv = batchEnv(facts);
for (const [id, f] of facts) f.tier = scheme ? assignTier(scheme, f, tierEnv(id)) : null;
const factsMs = performance.now() - started;
const factsRss = await sampler.read();

await sampler.reset();
started = performance.now();
const inputs = await loadDayInputs(ctx, day, facts, specs);
const inputsMs = performance.now() - started;

started = performance.now();
const env = batchEnv(facts);
let matched = 0;
let acting = 0;
const empty = { day, openTasks: new Set<string>(), lastActed: new Map<string, string>() };
for (const spec of specs) {
  const matches = matchRule(spec, inputs, env);
  matched += matches.length;
  acting += applyLimits(spec, matches, empty).filter((d) => d.outcome === 'act').length;
}
const evaluateMs = performance.now() - started;
const rulesRss = await sampler.read();
await sampler.stop();
const maxRss = process.resourceUsage().maxRSS * 1024;
await close();

const rulesMs = inputsMs + evaluateMs;
console.log(`\nSteward rules benchmark: ${deps.engine}, day ${day}`);
console.log(
  `accounts ${fmt(facts.size)}, rules ${specs.length}, facts per account ${fmt(Object.keys(facts.values().next().value ?? {}).length)}`,
);
console.log(
  `buildFacts (+ tiers): ${seconds(factsMs)}, peak RSS ${mb(factsRss)} MB (before ${mb(rssBefore)} MB)`,
);
console.log(
  `rules: load trigger inputs ${seconds(inputsMs)} + evaluate ${seconds(evaluateMs)} = ${seconds(rulesMs)}, peak RSS ${mb(rulesRss)} MB`,
);
console.log(
  `rules / buildFacts = ${(rulesMs / factsMs).toFixed(2)} (target < 1)${rulesMs < factsMs ? ' ok' : ' OVER'}; evaluation alone ${(evaluateMs / factsMs).toFixed(3)}`,
);
console.log(`matches ${fmt(matched)} (would act on ${fmt(acting)} with the per-run limit of 500)`);
console.log(`process maxRSS (whole run): ${mb(maxRss)} MB`);
