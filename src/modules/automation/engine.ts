// Running rules: one run per rule (or playbook play) and slot, claimed by inserting its row (the
// unique (rule, slot) key makes a rerun of the slot a no-op, on any number of nodes), then the
// trigger and condition over the day's inputs, the limits, and each account's actions in its own
// transaction so one failing account is logged without undoing the others.

import type { Ctx } from '../../context.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { DEFAULT_LOCALE, msg, render } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { sendMail } from '../../mail.ts';
import { today } from '../../time.ts';
import type { Facts } from '../facts/build-facts.ts';
import type { ConditionEnv } from '../facts/condition-eval.ts';
import type { EvaluationBatch } from '../facts/evaluation-batch.ts';
import { findOpenTask } from '../tasks/index.ts';
import { describeAction, runActions, templateFacts } from './actions.ts';
import type { DryRun } from './automation.schemas.ts';
import { dropKeptEffect } from './effectiveness.ts';
import { loadDayInputs, loadRulesBatch } from './inputs.ts';
import {
  applyLimits,
  type DayInputs,
  hashOf,
  type Match,
  matchRule,
  type Outcome,
  type RuleSpec,
} from './triggers.ts';
import { deliverDueWebhooks } from './webhooks.ts';

export type RunCause = 'recompute' | 'schedule' | 'webhook' | 'manual' | 'demo';
export type RunSummary = {
  ruleId: string;
  name: string;
  source: RuleSpec['source'];
  slot: string;
  /** false: this slot already ran (a rerun), nothing was done. */
  ran: boolean;
  runId?: string;
  matched: number;
  acted: number;
  skipped: Record<Exclude<Outcome, 'act'>, number>;
  errors: number;
};

const ZERO = () => ({ holdout: 0, dedupe: 0, cooldown: 0, limit: 0 });

/** Eligible-but-not-acted outcomes that make a control (dedupe does not: an open task is treatment). */
type ControlOutcome = 'holdout' | 'cooldown' | 'limit';
const CONTROL_OUTCOMES: ReadonlySet<string> = new Set<ControlOutcome>(['holdout', 'cooldown', 'limit']);
/**
 * An account skipped for cooldown or the limit is recorded at most once a week per rule: a daily
 * rule skips the same accounts day after day, and a control of 2,000 accounts x every day would
 * grow without telling more. A held-out account is recorded at the rule's own rhythm (once per
 * cooldown), as if it had been acted on: then it is compared exactly as often as a treated one.
 */
const SKIP_SPACING_DAYS = 7;
/**
 * At most this many control rows per run (or 10 per account acted on, if more): a rule over
 * 100,000 accounts with a limit of 200 would otherwise write ~100,000 rows a run. The rows kept are
 * a random sample (a hash of run and account), so the control stays fair, only smaller.
 */
const CONTROL_SAMPLE = 2000;
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

/** The last day each account was recorded as eligible-not-acted for this rule. */
async function lastSkipped(ctx: Ctx, ruleId: string, day: string): Promise<Map<string, string>> {
  const rows = await ctx.db
    .selectFrom('automation_eligible')
    .select(['account_id', (eb) => eb.fn.max('day').as('last')])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('rule_id', '=', ruleId)
    .where('outcome', '!=', 'act')
    .where('day', '<', day)
    .groupBy('account_id')
    .execute();
  return new Map(rows.map((r) => [r.account_id, String(r.last)]));
}

/** The run's tier, stage and score of an account, as the report compares like with like. */
function stratum(f: Facts | undefined) {
  const score = f?.['health.score'];
  return {
    tier: typeof f?.tier === 'string' ? f.tier : null,
    stage: typeof f?.stage === 'string' ? f.stage : null,
    score: typeof score === 'number' && Number.isFinite(score) ? score : null,
  };
}

/**
 * Records the run's eligible-but-not-acted accounts (held out, cooldown, limit), spaced as above,
 * in batches (a playbook play can skip thousands of accounts in one run).
 */
async function recordSkips(
  ctx: Ctx,
  spec: RuleSpec,
  runId: string,
  inputs: DayInputs,
  skips: readonly { accountId: string; outcome: ControlOutcome }[],
  acted: number,
) {
  if (!skips.length) return;
  const last = await lastSkipped(ctx, spec.id, inputs.day);
  const cap = Math.max(CONTROL_SAMPLE, 10 * acted);
  const sample =
    skips.length <= cap
      ? skips
      : [...skips].sort((a, b) => hashOf(runId, a.accountId) - hashOf(runId, b.accountId)).slice(0, cap);
  const rows = [];
  for (const s of sample) {
    const prev = last.get(s.accountId);
    const spacing = s.outcome === 'holdout' ? Math.max(1, spec.cooldownDays) : SKIP_SPACING_DAYS;
    if (prev !== undefined && daysBetween(prev, inputs.day) < spacing) continue;
    rows.push({
      id: newId(),
      workspace_id: ctx.workspace.id,
      run_id: runId,
      rule_id: spec.id,
      account_id: s.accountId,
      day: inputs.day,
      outcome: s.outcome,
      ...stratum(inputs.facts.get(s.accountId)),
    });
  }
  for (let i = 0; i < rows.length; i += 500)
    await ctx.db
      .insertInto('automation_eligible')
      .values(rows.slice(i, i + 500))
      .execute();
}

/** Limits need the rule's open tasks (dedupe) and last action per account (cooldown). */
async function limitState(ctx: Ctx, spec: RuleSpec, day: string, matches: readonly Match[]) {
  const openTasks = new Set<string>();
  if (spec.dedupe && spec.actions.some((a) => a.type === 'create_task')) {
    for (const m of matches) {
      if (await findOpenTask(ctx, { ruleId: spec.id, accountId: m.accountId })) openTasks.add(m.accountId);
    }
  }
  const lastActed = new Map<string, string>();
  if (spec.cooldownDays > 0 && matches.length) {
    const rows = await ctx.db
      .selectFrom('automation_actions')
      .select(['account_id', (eb) => eb.fn.max('day').as('last')])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('rule_id', '=', spec.id)
      // A logged-but-unsent email (no SMTP) or a tag already present still counts as acting:
      // otherwise such a rule would act again every day.
      .where('status', '!=', 'failed')
      .where('day', '<=', day)
      .groupBy('account_id')
      .execute();
    for (const r of rows) lastActed.set(r.account_id, String(r.last));
  }
  return { day, openTasks, lastActed };
}

/** Percentiles and `changed by` history for each account, from the evaluation batch. */
export type RulesEnv = (accountId: string) => ConditionEnv;

/** What a rule would do on the inputs' day, writing nothing. */
export async function dryRunSpec(
  ctx: Ctx,
  spec: RuleSpec,
  inputs: DayInputs,
  limit: number,
  env: RulesEnv,
): Promise<DryRun> {
  const matches = matchRule(spec, inputs, env);
  const decided = applyLimits(spec, matches, await limitState(ctx, spec, inputs.day, matches));
  const skipped = ZERO();
  for (const d of decided) if (d.outcome !== 'act') skipped[d.outcome]++;
  return {
    day: inputs.day,
    accounts: inputs.facts.size,
    matched: matches.length,
    wouldAct: decided.filter((d) => d.outcome === 'act').length,
    skipped,
    items: decided.slice(0, limit).map(({ match, outcome }) => {
      const f = inputs.facts.get(match.accountId)!;
      const locale = ctx.locale ?? DEFAULT_LOCALE;
      const vars = templateFacts(f, {
        accountId: match.accountId,
        day: inputs.day,
        rule: spec.name,
        reason: render(locale, match.reason),
      });
      return {
        accountId: match.accountId,
        name: String(f.name ?? ''),
        reason: render(locale, match.reason),
        outcome,
        actions:
          outcome === 'act'
            ? spec.actions.map((a) => ({ type: a.type, summary: render(locale, describeAction(a, vars)) }))
            : [],
      };
    }),
  };
}

/**
 * Runs one rule for one slot. Returns ran: false when the slot already has a run (idempotency);
 * trigger, condition and action failures are recorded on the run rather than thrown.
 */
export async function runSpec(
  ctx: Ctx,
  spec: RuleSpec,
  inputs: DayInputs,
  options: { slot: string; cause: RunCause; env: RulesEnv },
): Promise<RunSummary> {
  const ws = ctx.workspace.id;
  const runId = newId();
  const started = ctx.now().toISOString();
  const summary: RunSummary = {
    ruleId: spec.id,
    name: spec.name,
    source: spec.source,
    slot: options.slot,
    ran: false,
    matched: 0,
    acted: 0,
    skipped: ZERO(),
    errors: 0,
  };
  try {
    await ctx.db
      .insertInto('automation_runs')
      .values({
        id: runId,
        workspace_id: ws,
        rule_id: spec.id,
        source: spec.source,
        slot: options.slot,
        day: inputs.day,
        cause: options.cause,
        status: 'running',
        matched: 0,
        acted: 0,
        skipped: '{}',
        errors: 0,
        error: null,
        started_at: started,
        finished_at: null,
      })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) return summary;
    throw error;
  }
  summary.ran = true;
  summary.runId = runId;
  let failure: string | null = null;
  let hasWebhooks = false;
  try {
    const matches = matchRule(spec, inputs, options.env);
    summary.matched = matches.length;
    const decided = applyLimits(spec, matches, await limitState(ctx, spec, inputs.day, matches));
    const skips: { accountId: string; outcome: ControlOutcome }[] = [];
    for (const { match, outcome } of decided) {
      if (outcome !== 'act') {
        summary.skipped[outcome]++;
        if (CONTROL_OUTCOMES.has(outcome))
          skips.push({ accountId: match.accountId, outcome: outcome as ControlOutcome });
      }
    }
    // Recorded before acting, so an action that fails half-way still leaves the run's control.
    await recordSkips(ctx, spec, runId, inputs, skips, decided.filter((d) => d.outcome === 'act').length);
    for (const { match, outcome } of decided) {
      if (outcome !== 'act') continue;
      const facts = inputs.facts.get(match.accountId) as Facts;
      const log = async (action: string, status: string, detail: unknown) =>
        ctx.db
          .insertInto('automation_actions')
          .values({
            id: newId(),
            workspace_id: ws,
            run_id: runId,
            rule_id: spec.id,
            account_id: match.accountId,
            day: inputs.day,
            action,
            status,
            detail: detail === undefined ? null : JSON.stringify(detail),
            created_at: ctx.now().toISOString(),
          })
          .execute();
      try {
        const { results, mails } = await runActions(ctx, spec, runId, match.accountId, facts, match.reason);
        for (const r of results) {
          await log(r.action, r.status, { ...(r.detail as object), reason: match.reason });
          if (r.action === 'webhook' || r.action === 'alert') hasWebhooks = true;
        }
        for (const m of mails) {
          try {
            const sent = await sendMail(ctx, { to: m.to, subject: m.subject, text: m.text });
            await log('email', sent.sent ? 'done' : 'noop', {
              to: m.to,
              subject: m.subject,
              messageId: sent.messageId ?? null,
              reason: sent.sent ? match.reason : msg('automation.reason.smtpUnset'),
            });
          } catch (error) {
            summary.errors++;
            await log('email', 'failed', {
              to: m.to,
              subject: m.subject,
              error: String((error as Error).message ?? error),
            });
          }
        }
        await ctx.db
          .insertInto('automation_eligible')
          .values({
            id: newId(),
            workspace_id: ws,
            run_id: runId,
            rule_id: spec.id,
            account_id: match.accountId,
            day: inputs.day,
            outcome: 'act',
            ...stratum(facts),
          })
          .execute();
        summary.acted++;
      } catch (error) {
        summary.errors++;
        ctx.logger.warn({ rule: spec.id, account: match.accountId, err: error }, 'rule action failed');
        await log('actions', 'failed', {
          error: String((error as Error).message ?? error),
          reason: match.reason,
        });
      }
    }
  } catch (error) {
    failure = String((error as Error).message ?? error);
    ctx.logger.error({ rule: spec.id, err: error }, 'rule run failed');
  }
  await ctx.db
    .updateTable('automation_runs')
    .set({
      status: failure ? 'failed' : 'succeeded',
      matched: summary.matched,
      acted: summary.acted,
      skipped: JSON.stringify(summary.skipped),
      errors: summary.errors,
      error: failure,
      finished_at: ctx.now().toISOString(),
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', runId)
    .execute();
  // Matches wrote the run's eligible accounts (and acting, its actions): the kept effect report is stale.
  if (summary.matched) await dropKeptEffect(ctx);
  if (hasWebhooks) await deliverDueWebhooks(ctx, { runId, workspaceId: ws, limit: 1000 });
  return summary;
}

/** Triggers evaluated once a day after the recompute (everything but cron and inbound webhooks). */
export const isDailySpec = (s: RuleSpec) => s.trigger.type !== 'schedule' && s.trigger.type !== 'webhook';

/**
 * Runs the given daily rules for `day` (slot = the day), on the evaluation batch of that day
 * (loaded here with the pending rules' conditions). A second call for the same day finds every
 * slot taken and does nothing.
 */
export async function runDailySpecs(
  ctx: Ctx,
  specs: readonly RuleSpec[],
  day: string,
  cause: RunCause,
): Promise<RunSummary[]> {
  const daily = specs.filter(isDailySpec);
  if (!daily.length) return [];
  // Skip loading anything when every slot of the day already ran.
  const done = new Set(
    (
      await ctx.db
        .selectFrom('automation_runs')
        .select('rule_id')
        .where('workspace_id', '=', ctx.workspace.id)
        .where('slot', '=', day)
        .execute()
    ).map((r) => r.rule_id),
  );
  const pending = daily.filter((s) => !done.has(s.id));
  if (!pending.length) return daily.map((s) => skippedSummary(s, day));
  const batch: EvaluationBatch = await loadRulesBatch(ctx, day, pending);
  const inputs = await loadDayInputs(ctx, day, batch.facts, pending);
  const env = batch.env;
  const out: RunSummary[] = daily.filter((s) => done.has(s.id)).map((s) => skippedSummary(s, day));
  for (const spec of pending) out.push(await runSpec(ctx, spec, inputs, { slot: day, cause, env }));
  return out;
}

const skippedSummary = (s: RuleSpec, slot: string): RunSummary => ({
  ruleId: s.id,
  name: s.name,
  source: s.source,
  slot,
  ran: false,
  matched: 0,
  acted: 0,
  skipped: ZERO(),
  errors: 0,
});

/** The day a slot's actions are dated by: the workspace's today. */
export const slotDay = (ctx: Ctx) => today(ctx);
