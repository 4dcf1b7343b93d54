// When rules run: after the recompute of the current day commits (recomputeDays calls the hook), on their cron
// (the `automation-schedules` job), and by hand (`steward rules run`, POST /rules/run). Every path
// goes through runSpec, whose (rule, slot) claim makes each slot run once.
import { Cron } from 'croner';
import { type Ctx, type Deps, systemCtx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { today } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { listWorkspaceRefs } from '../workspaces/index.ts';
import { RunRulesInput } from './automation.schemas.ts';
import { dryRunSpec, isDailySpec, type RunCause, type RunSummary, runDailySpecs, runSpec } from './engine.ts';
import { loadDayInputs, loadRulesBatch } from './inputs.ts';
import { loadPlaybookSpecs } from './playbooks.ts';
import { loadRuleSpecs, ruleRowToSpec } from './rules.ts';

/** Every enabled rule and playbook play. */
export async function loadAllSpecs(ctx: Ctx) {
  return [...(await loadRuleSpecs(ctx)), ...(await loadPlaybookSpecs(ctx))];
}

/**
 * The recompute's first run of a day at or after this local hour evaluates the day's rules.
 * Metric windows include the current day so far: a run at 00:10 would judge "last 7 days" on ten
 * minutes of today and see drops everywhere. By 09:00 the night's quiet hours are over.
 */
export const DAILY_RULES_FROM_HOUR = 9;

function localHour(ctx: Ctx): number {
  const hour = new Intl.DateTimeFormat('en-GB', {
    timeZone: ctx.workspace.timeZone,
    hour: '2-digit',
    hourCycle: 'h23',
  }).format(ctx.now());
  return Number(hour);
}

/**
 * Called by recomputeDays once the recompute of `day` has committed (outside its worker thread),
 * so rules see the state it wrote; they load it again through the evaluation batch. Only for the
 * current day (backfills of past days never create tasks), once the working day has started; a
 * failure is logged on the runs, never thrown into the recompute.
 */
export async function runRulesAfterRecompute(ctx: Ctx, day: string): Promise<RunSummary[]> {
  if (day !== today(ctx) || localHour(ctx) < DAILY_RULES_FROM_HOUR) return [];
  try {
    const system: Ctx = { ...ctx, actor: { kind: 'system', name: 'automation' } };
    return await runDailySpecs(system, await loadAllSpecs(system), day, 'recompute');
  } catch (error) {
    ctx.logger.error({ err: error, day }, 'automation after recompute failed');
    return [];
  }
}

/** The cron tick of a schedule rule due now: the latest at or before now, within a day, after the rule existed. */
export function dueTick(cron: string, timeZone: string, now: Date, notBefore: string): Date | undefined {
  const job = new Cron(cron, { paused: true, timezone: timeZone });
  const tick = job.previousRuns(1, new Date(now.getTime() + 1))[0];
  job.stop();
  if (!tick) return undefined;
  if (now.getTime() - tick.getTime() > 86_400_000 || tick.toISOString() < notBefore) return undefined;
  return tick;
}

/** Runs every schedule rule whose latest tick has not run yet (slot = the tick's instant). */
export async function runDueSchedules(ctx: Ctx, cause: RunCause = 'schedule'): Promise<RunSummary[]> {
  const rows = await ctx.db
    .selectFrom('automation_rules')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('enabled', '=', 1)
    .execute();
  const due = rows
    .map((r) => ({ spec: ruleRowToSpec(r), createdAt: r.created_at }))
    .flatMap(({ spec, createdAt }) => {
      if (spec.trigger.type !== 'schedule') return [];
      const tick = dueTick(spec.trigger.cron, ctx.workspace.timeZone, ctx.now(), createdAt);
      return tick ? [{ spec, slot: tick.toISOString() }] : [];
    });
  if (!due.length) return [];
  const taken = new Set(
    (
      await ctx.db
        .selectFrom('automation_runs')
        .select(['rule_id', 'slot'])
        .where('workspace_id', '=', ctx.workspace.id)
        .where(
          'rule_id',
          'in',
          due.map((d) => d.spec.id),
        )
        .execute()
    ).map((r) => `${r.rule_id}@${r.slot}`),
  );
  const pending = due.filter((d) => !taken.has(`${d.spec.id}@${d.slot}`));
  if (!pending.length) return [];
  const day = today(ctx);
  const specs = pending.map((d) => d.spec);
  const batch = await loadRulesBatch(ctx, day, specs);
  const inputs = await loadDayInputs(ctx, day, batch.facts, specs);
  const out: RunSummary[] = [];
  for (const d of pending)
    out.push(await runSpec(ctx, d.spec, inputs, { slot: d.slot, cause, env: batch.env }));
  return out;
}

export type RulesRunReport = {
  day: string;
  dryRun: boolean;
  rules: {
    ruleId: string;
    name: string;
    source: string;
    slot: string;
    ran: boolean;
    matched: number;
    acted: number;
    skipped: Record<string, number>;
    errors: number;
  }[];
};

/**
 * Runs every enabled rule and playbook for a day (default today) and the schedule rules due now;
 * a second call for the same day creates nothing. With dryRun, reports what would happen instead.
 */
export async function runRules({
  ctx,
  input,
  cause = 'manual',
}: {
  ctx: Ctx;
  input: RunRulesInput;
  cause?: RunCause;
}): Promise<RulesRunReport> {
  const data = RunRulesInput.parse(input);
  await authorize(ctx, 'settings:write');
  const day = data.day ?? today(ctx);
  if (day > today(ctx))
    throw new AppError('validation_failed', msg('automation.error.futureDay'), {
      issues: [{ path: 'day', message: 'after today' }],
    });
  const specs = await loadAllSpecs(ctx);
  if (data.dryRun) {
    const runnable = specs.filter((s) => s.trigger.type !== 'webhook');
    const batch = await loadRulesBatch(ctx, day, runnable);
    const inputs = await loadDayInputs(ctx, day, batch.facts, runnable);
    const rules: RulesRunReport['rules'] = [];
    for (const spec of runnable) {
      const r = await dryRunSpec(ctx, spec, inputs, 0, batch.env);
      rules.push({
        ruleId: spec.id,
        name: spec.name,
        source: spec.source,
        slot: spec.trigger.type === 'schedule' ? 'next tick' : day,
        ran: false,
        matched: r.matched,
        acted: r.wouldAct,
        skipped: r.skipped,
        errors: 0,
      });
    }
    return { day, dryRun: true, rules };
  }
  const results = await runDailySpecs(ctx, specs.filter(isDailySpec), day, cause);
  if (day === today(ctx)) results.push(...(await runDueSchedules(ctx, cause)));
  // Who ran the rules by hand (user, and the token if one was used); each run is in automation_runs.
  await writeAudit(ctx, {
    action: 'rules.run',
    entityType: 'workspace',
    entityId: ctx.workspace.id,
    after: {
      day,
      cause,
      ran: results.filter((r) => r.ran).length,
      acted: results.reduce((n, r) => n + r.acted, 0),
    },
  });
  return {
    day,
    dryRun: false,
    rules: results.map((r) => ({
      ruleId: r.ruleId,
      name: r.name,
      source: r.source,
      slot: r.slot,
      ran: r.ran,
      matched: r.matched,
      acted: r.acted,
      skipped: r.skipped,
      errors: r.errors,
    })),
  };
}

/** Job: each workspace's schedule rules whose tick is due. */
export async function automationSchedulesJob(deps: Deps) {
  const workspaces = await listWorkspaceRefs(deps);
  let runs = 0;
  for (const w of workspaces) {
    runs += (await runDueSchedules(systemCtx(deps, w, 'automation'))).filter((r) => r.ran).length;
  }
  return { workspaces: workspaces.length, runs };
}
