// Rule verbs: CRUD with the condition and templates checked against the fact catalogue, enable /
// disable, dry run, runs and deliveries, the inbound webhook trigger, and running rules by hand.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Cron } from 'croner';
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation, parseJson } from '../../db/dialect.ts';
import { AppError } from '../../errors.ts';
import { DEFAULT_LOCALE, msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { literalBlockedReason } from '../../outbound.ts';
import { decodeCursor, encodeCursor } from '../../pagination.ts';
import { nowIso, today } from '../../time.ts';
import { accountRefs, findAccountByExternalId, readableAccount } from '../accounts/index.ts';
import { authorize, userRefs, writeAudit } from '../auth/index.ts';
import type { Condition } from '../facts/condition.ts';
import { conditionToText } from '../facts/condition-text.ts';
import { loadStages } from '../lifecycle/index.ts';
import { loadMetrics } from '../metrics/index.ts';
import { BodyChecker, loadCatalogueMap } from '../segments/index.ts';
import { TEMPLATE_EXTRA_KEYS } from './actions.ts';
import {
  type Action,
  CreateRule,
  type Delivery,
  DryRunInput,
  InboundWebhook,
  type ListPage,
  type ListRules,
  type Rule,
  type Run,
  type Trigger,
  UpdateRule,
} from './automation.schemas.ts';
import type { AutomationRulesTable, AutomationRunsTable } from './automation.table.ts';
import { dropKeptEffect } from './effectiveness.ts';
import { dryRunSpec, runSpec } from './engine.ts';
import { findDestination } from './events-out.ts';
import { loadDayInputs, loadRulesBatch } from './inputs.ts';
import { actionName, detailReason, summarizeAction } from './run-details.ts';
import { templateProblems } from './template.ts';
import type { RuleSpec } from './triggers.ts';
import { toAttemptLog } from './webhooks.ts';

export const ruleRowToRule = (r: AutomationRulesTable): Rule => {
  const condition = parseJson<Condition | null>(r.condition, null);
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    description: r.description,
    trigger: JSON.parse(r.trigger),
    condition: condition as Rule['condition'],
    conditionText: condition ? conditionToText(condition) : null,
    actions: JSON.parse(r.actions),
    cooldownDays: r.cooldown_days,
    maxActionsPerRun: r.max_actions_per_run,
    dedupe: r.dedupe === 1,
    holdoutPct: r.holdout_pct,
    enabled: r.enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
};

export const ruleRowToSpec = (r: AutomationRulesTable): RuleSpec => ({
  id: r.id,
  source: 'rule',
  name: r.name,
  trigger: JSON.parse(r.trigger) as Trigger,
  condition: parseJson<Condition | null>(r.condition, null),
  actions: JSON.parse(r.actions) as Action[],
  cooldownDays: r.cooldown_days,
  maxActionsPerRun: r.max_actions_per_run,
  dedupe: r.dedupe === 1,
  holdoutPct: r.holdout_pct,
});

/**
 * Checks a rule's parts against this workspace: the condition against the fact catalogue, the
 * metrics its trigger names, a cron that parses, templates naming known facts, stages that exist.
 * Collects every problem, so the 400 names each field.
 */
export async function checkRuleParts(
  ctx: Ctx,
  parts: { trigger?: Trigger; condition?: unknown; actions?: readonly Action[] },
  prefix = '',
): Promise<Condition | null | undefined> {
  const catalogue = await loadCatalogueMap(ctx);
  const checker = new BodyChecker(catalogue);
  let condition: Condition | null | undefined;
  if (parts.condition === null) condition = null;
  else if (parts.condition !== undefined)
    condition = checker.condition(parts.condition, `${prefix}condition`);
  const t = parts.trigger;
  if (t?.type === 'metric_change' || t?.type === 'metric_rank') {
    const metrics = new Set((await loadMetrics(ctx)).map((m) => m.key));
    if (!metrics.has(t.metric)) {
      checker.fail(
        `${prefix}trigger.metric`,
        msg('automation.error.unknownMetric', {
          metric: t.metric,
          known: [...metrics].join(', ') || msg('automation.error.noMetrics'),
        }),
      );
    }
  }
  if (t?.type === 'schedule') {
    try {
      new Cron(t.cron, { paused: true, timezone: ctx.workspace.timeZone }).stop();
    } catch (error) {
      checker.fail(
        `${prefix}trigger.cron`,
        msg('automation.error.notCron', { reason: (error as Error).message }),
      );
    }
  }
  const known = new Set([...catalogue.keys(), ...TEMPLATE_EXTRA_KEYS]);
  let stages: Set<string> | undefined;
  for (const [i, a] of (parts.actions ?? []).entries()) {
    const texts: [string, string | undefined][] =
      a.type === 'create_task'
        ? [
            ['title', a.title],
            ['description', a.description],
          ]
        : a.type === 'email'
          ? [
              ['subject', a.subject],
              ['body', a.body],
            ]
          : a.type === 'timeline'
            ? [
                ['title', a.title],
                ['body', a.body],
              ]
            : a.type === 'alert'
              ? [['text', a.text]]
              : [];
    for (const [field, text] of texts) {
      for (const p of text ? templateProblems(text, known) : []) {
        // An inbound webhook's payload fields are read as webhook.<key>: they are not in the catalogue.
        if (t?.type === 'webhook' && p.fact?.startsWith('webhook.')) continue;
        checker.fail(`${prefix}actions.${i}.${field}`, p.message);
      }
    }
    if (a.type === 'webhook') {
      // Names are checked when they resolve (at every attempt); an address is refused right away.
      const why = literalBlockedReason(a.url, ctx.config.outboundAllow);
      if (why) checker.fail(`${prefix}actions.${i}.url`, msg('automation.error.addressRefused', { why }));
    }
    if (a.type === 'alert' && !(await findDestination(ctx, a.destinationId)))
      checker.fail(
        `${prefix}actions.${i}.destinationId`,
        'no such destination (subscription) in this workspace',
      );
    if (a.type === 'set_stage') {
      stages ??= new Set((await loadStages(ctx)).map((s) => s.key));
      if (!stages.has(a.stage))
        checker.fail(`${prefix}actions.${i}.stage`, msg('automation.error.unknownStage', { stage: a.stage }));
    }
    if (a.type === 'create_task' && 'userId' in a.assignee) {
      const users = await userRefs(ctx, [a.assignee.userId]);
      if (!users.has(a.assignee.userId))
        checker.fail(`${prefix}actions.${i}.assignee.userId`, msg('automation.error.noSuchUser'));
    }
  }
  checker.done();
  return condition;
}

async function getRuleRow(ctx: Ctx, idOrKey: string): Promise<AutomationRulesTable> {
  const row = await ctx.db
    .selectFrom('automation_rules')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  if (!row)
    throw new AppError(
      'not_found',
      msg('error.notFoundId', { what: msg('automation.what.rule'), id: idOrKey }),
    );
  return row;
}

export async function loadRuleSpecs(ctx: Ctx, options: { enabledOnly?: boolean } = {}): Promise<RuleSpec[]> {
  let q = ctx.db.selectFrom('automation_rules').selectAll().where('workspace_id', '=', ctx.workspace.id);
  if (options.enabledOnly !== false) q = q.where('enabled', '=', 1);
  return (await q.orderBy('key').execute()).map(ruleRowToSpec);
}

export async function listRules({ ctx, input }: { ctx: Ctx; input: ListRules }) {
  await authorize(ctx, 'read');
  let q = ctx.db.selectFrom('automation_rules').selectAll().where('workspace_id', '=', ctx.workspace.id);
  if (input.enabled) q = q.where('enabled', '=', input.enabled === 'true' ? 1 : 0);
  const rows = (await q.orderBy('key').execute()).map(ruleRowToRule);
  return {
    items: input.trigger ? rows.filter((r) => r.trigger.type === input.trigger) : rows,
    nextCursor: null,
  };
}

export async function getRule({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'read');
  return ruleRowToRule(await getRuleRow(ctx, id));
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

export async function createRule({ ctx, input }: { ctx: Ctx; input: CreateRule }) {
  await authorize(ctx, 'settings:write');
  const data = CreateRule.parse(input);
  const condition = await checkRuleParts(ctx, data);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const secret = newSecret();
    const row: AutomationRulesTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      key: data.key,
      name: data.name,
      description: data.description ?? null,
      trigger: JSON.stringify(data.trigger),
      condition: condition ? JSON.stringify(condition) : null,
      actions: JSON.stringify(data.actions),
      cooldown_days: data.cooldownDays,
      max_actions_per_run: data.maxActionsPerRun,
      dedupe: data.dedupe ? 1 : 0,
      holdout_pct: data.holdoutPct,
      enabled: data.enabled ? 1 : 0,
      secret,
      created_by: actorId(tx),
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('automation_rules').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('conflict', msg('automation.error.ruleKeyTaken', { key: data.key }));
      throw error;
    }
    const rule = ruleRowToRule(row);
    await writeAudit(tx, { action: 'rule.created', entityType: 'rule', entityId: row.id, after: rule });
    return { ...rule, secret };
  });
}

export async function updateRule({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateRule }) {
  await authorize(ctx, 'settings:write');
  const data = UpdateRule.parse(input);
  return inTransaction(ctx, async (tx) => {
    const beforeRow = await getRuleRow(tx, id);
    const condition = await checkRuleParts(tx, {
      trigger: data.trigger ?? (JSON.parse(beforeRow.trigger) as Trigger),
      condition: data.condition,
      actions: data.actions,
    });
    const after = await tx.db
      .updateTable('automation_rules')
      .set({
        name: data.name,
        description: data.description,
        trigger: data.trigger ? JSON.stringify(data.trigger) : undefined,
        condition:
          condition === undefined ? undefined : condition === null ? null : JSON.stringify(condition),
        actions: data.actions ? JSON.stringify(data.actions) : undefined,
        cooldown_days: data.cooldownDays,
        max_actions_per_run: data.maxActionsPerRun,
        dedupe: data.dedupe === undefined ? undefined : data.dedupe ? 1 : 0,
        holdout_pct: data.holdoutPct,
        enabled: data.enabled === undefined ? undefined : data.enabled ? 1 : 0,
        updated_at: nowIso(tx),
      })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', beforeRow.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const rule = ruleRowToRule(after);
    await writeAudit(tx, {
      action: 'rule.updated',
      entityType: 'rule',
      entityId: rule.id,
      before: ruleRowToRule(beforeRow),
      after: rule,
    });
    await dropKeptEffect(tx);
    return rule;
  });
}

export async function setRuleEnabled({ ctx, id, enabled }: { ctx: Ctx; id: string; enabled: boolean }) {
  return updateRule({ ctx, id, input: { enabled } });
}

/** A new secret for the rule's webhooks (outbound signatures and the inbound trigger), shown once. */
export async function rotateRuleSecret({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  return inTransaction(ctx, async (tx) => {
    const row = await getRuleRow(tx, id);
    const secret = newSecret();
    await tx.db
      .updateTable('automation_rules')
      .set({ secret, updated_at: nowIso(tx) })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', row.id)
      .execute();
    await writeAudit(tx, { action: 'rule.secret_rotated', entityType: 'rule', entityId: row.id });
    return { ...ruleRowToRule(row), secret };
  });
}

/** Deletes the rule; its runs, action log and deliveries stay as history. Its open tasks stay open. */
export async function deleteRule({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const row = await getRuleRow(tx, id);
    await tx.db
      .deleteFrom('automation_rules')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', row.id)
      .execute();
    await writeAudit(tx, {
      action: 'rule.deleted',
      entityType: 'rule',
      entityId: row.id,
      before: ruleRowToRule(row),
    });
    await dropKeptEffect(tx);
  });
}

/** Which accounts match now (or on `day`) and what would happen, changing nothing. */
export async function dryRunRule({ ctx, id, input }: { ctx: Ctx; id: string; input: DryRunInput }) {
  // Like segment and tiering previews: evaluating every account is for those who edit rules.
  await authorize(ctx, 'settings:write');
  const data = DryRunInput.parse(input);
  const spec = ruleRowToSpec(await getRuleRow(ctx, id));
  const day = data.day ?? today(ctx);
  if (day > today(ctx))
    throw new AppError('validation_failed', msg('automation.error.futureDay'), {
      issues: [{ path: 'day', message: 'after today' }],
    });
  const batch = await loadRulesBatch(ctx, day, [spec]);
  const inputs = await loadDayInputs(ctx, day, batch.facts, [spec]);
  if (spec.trigger.type === 'webhook') {
    if (!data.accountId) {
      throw new AppError('validation_failed', msg('automation.error.webhookNeedsAccount'), {
        issues: [{ path: 'accountId', message: 'required for webhook triggers' }],
      });
    }
    inputs.webhookAccounts = [data.accountId];
  }
  return dryRunSpec(ctx, spec, inputs, data.limit, batch.env);
}

export const runRowToRun = (r: AutomationRunsTable): Run => ({
  id: r.id,
  ruleId: r.rule_id,
  source: r.source,
  slot: r.slot,
  day: r.day,
  cause: r.cause,
  status: r.status,
  matched: r.matched,
  acted: r.acted,
  skipped: JSON.parse(r.skipped),
  errors: r.errors,
  error: r.error,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** A rule's runs, newest first. */
export async function listRuleRuns({ ctx, id, input }: { ctx: Ctx; id: string; input: ListPage }) {
  await authorize(ctx, 'read');
  const rule = await getRuleRow(ctx, id);
  return listRunsOf(ctx, rule.id, input);
}

export async function listRunsOf(ctx: Ctx, ruleId: string | string[], input: ListPage) {
  if (Array.isArray(ruleId) && ruleId.length === 0) return { items: [], nextCursor: null };
  let q = ctx.db
    .selectFrom('automation_runs')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('rule_id', Array.isArray(ruleId) ? 'in' : '=', ruleId);
  if (input.cursor) {
    const [at, runId] = decodeCursor(input.cursor, ['string', 'string']) as [string, string];
    q = q.where((eb) =>
      eb.or([eb('started_at', '<', at), eb.and([eb('started_at', '=', at), eb('id', '<', runId)])]),
    );
  }
  const rows = await q
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(runRowToRun),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.started_at, last.id]) : null,
  };
}

/** One run with what it did to each account. */
export async function getRuleRun({ ctx, id, runId }: { ctx: Ctx; id: string; runId: string }) {
  await authorize(ctx, 'read');
  const rule = await getRuleRow(ctx, id);
  const run = await ctx.db
    .selectFrom('automation_runs')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('rule_id', '=', rule.id)
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!run)
    throw new AppError('not_found', msg('error.notFoundId', { what: msg('automation.what.run'), id: runId }));
  const actions = await ctx.db
    .selectFrom('automation_actions')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('run_id', '=', run.id)
    .where(readableAccount(ctx, 'automation_actions.account_id'))
    .orderBy('id')
    .limit(5000)
    .execute();
  const names = await accountRefs(
    ctx,
    actions.map((a) => a.account_id),
  );
  const locale = ctx.locale ?? DEFAULT_LOCALE;
  return {
    ...runRowToRun(run),
    actions: actions.map((a) => {
      const detail = parseJson<Record<string, unknown> | null>(a.detail, null);
      const accountName = names.get(a.account_id)?.name ?? null;
      return {
        id: a.id,
        accountId: a.account_id,
        accountName,
        action: a.action,
        actionLabel: actionName(locale, a.action),
        status: a.status,
        summary: summarizeAction(locale, { action: a.action, status: a.status, accountName, detail }),
        reason: detailReason(locale, detail),
        detail,
        createdAt: a.created_at,
      };
    }),
  };
}

/** The rule's outbound webhook deliveries, newest first, each with its attempts and status codes. */
export async function listRuleDeliveries({ ctx, id, input }: { ctx: Ctx; id: string; input: ListPage }) {
  await authorize(ctx, 'read');
  const rule = await getRuleRow(ctx, id);
  let q = ctx.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('rule_id', '=', rule.id)
    .where(readableAccount(ctx, 'webhook_deliveries.account_id'));
  if (input.cursor) {
    const [at, did] = decodeCursor(input.cursor, ['string', 'string']) as [string, string];
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', did)])]),
    );
  }
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(
      (d): Delivery => ({
        id: d.id,
        ruleId: rule.id,
        runId: d.run_id ?? '',
        accountId: d.account_id ?? '',
        url: d.url,
        status: d.status as Delivery['status'],
        attempts: d.attempts,
        lastStatusCode: d.last_status_code,
        nextAttemptAt: d.next_attempt_at,
        log: (JSON.parse(d.log) as Parameters<typeof toAttemptLog>[0][]).map(toAttemptLog),
        createdAt: d.created_at,
        deliveredAt: d.delivered_at,
      }),
    ),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}

export const WEBHOOK_SECRET_HEADER = 'x-steward-secret';

const sameSecret = (a: string, b: string) => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
};

/**
 * The inbound webhook trigger: another system (a support desk, a survey tool) tells the rule about
 * one account. Authenticated by the rule's secret, not a user: the ctx must be a system ctx of the
 * rule's workspace (the route resolves it). `eventId` makes retries idempotent (slot
 * webhook:<eventId>).
 */
export async function triggerRuleWebhook({
  ctx,
  id,
  secret,
  input,
}: {
  ctx: Ctx;
  id: string;
  secret: string | undefined;
  input: InboundWebhook;
}) {
  const data = InboundWebhook.parse(input);
  const row = await getRuleRow(ctx, id);
  if (!secret || !sameSecret(secret, row.secret)) {
    throw new AppError(
      'unauthenticated',
      msg('automation.error.wrongSecret', { header: WEBHOOK_SECRET_HEADER }),
    );
  }
  const spec = ruleRowToSpec(row);
  if (spec.trigger.type !== 'webhook') {
    throw new AppError(
      'conflict',
      msg('automation.error.notWebhook', {
        key: row.key,
        trigger: msg(`automation.trigger.${spec.trigger.type}`),
      }),
    );
  }
  if (row.enabled !== 1) throw new AppError('conflict', msg('automation.error.disabled', { key: row.key }));
  let accountId = data.accountId;
  if (!accountId && data.externalId) {
    accountId = (await findAccountByExternalId({ ctx, externalId: data.externalId }))?.id;
    if (!accountId)
      throw new AppError(
        'not_found',
        msg('error.notFoundId', { what: msg('automation.what.accountByExternalId'), id: data.externalId }),
      );
  }
  if (!accountId) {
    throw new AppError('validation_failed', msg('automation.error.nameAccount'), {
      issues: [{ path: 'accountId', message: 'required (or externalId)' }],
    });
  }
  const day = today(ctx);
  // One account's batch (a request handler never builds the whole workspace's): a percentile
  // condition matches nothing here, as in other single-account evaluations.
  const batch = await loadRulesBatch(ctx, day, [spec], { accountIds: [accountId] });
  const f = batch.facts.get(accountId);
  if (!f)
    throw new AppError(
      'not_found',
      msg('error.notFoundId', { what: msg('automation.what.account'), id: accountId }),
    );
  const facts = batch.facts;
  // Only this account's record is evaluated; the payload's fields are readable as webhook.<key>.
  for (const [k, v] of Object.entries(data.data ?? {})) f[`webhook.${k}`] = v;
  const inputs = await loadDayInputs(ctx, day, facts, [spec]);
  inputs.webhookAccounts = [accountId];
  return runSpec(ctx, spec, inputs, {
    slot: `webhook:${data.eventId ?? newId()}`,
    cause: 'webhook',
    env: batch.env,
  });
}
