// Carrying out a rule's actions for one account. Database changes go through the owning modules'
// verbs inside the caller's transaction (task, tags, tier/stage override, timeline, a queued
// webhook); email leaves the process, so it is returned as a follow-up the engine sends after the
// commit.

import { type Ctx, inTransaction } from '../../context.ts';
import { CATALOG } from '../../i18n/catalog/index.ts';
import {
  DEFAULT_LOCALE,
  type Message,
  type MessageKey,
  msg,
  type Param,
  render,
  textOf,
} from '../../i18n/index.ts';
import { addDays, today } from '../../time.ts';
import { contactRefsOf, getAccount, updateAccount } from '../accounts/index.ts';
import { userRefs } from '../auth/index.ts';
import type { Facts } from '../facts/build-facts.ts';
import { setStageOverride } from '../lifecycle/index.ts';
import { setTierOverride } from '../segments/index.ts';
import { createTask } from '../tasks/index.ts';
import { workGroupRouter } from '../team/index.ts';
import { valueParam, writeTimeline } from '../timeline/index.ts';
import type { Action } from './automation.schemas.ts';
import { findDestination, gatherRuleAlert } from './events-out.ts';
import { renderTemplate, templateParam } from './template.ts';
import type { RuleSpec } from './triggers.ts';
import { queueWebhook } from './webhooks.ts';

export type ActionResult = { action: Action['type']; status: 'done' | 'noop' | 'failed'; detail: unknown };
export type Mail = { action: 'email'; to: string[]; subject: string; text: string };

/** Facts plus what templates may also name: the account id, the day, the rule and the reason. */
export function templateFacts(
  facts: Facts,
  extra: { accountId: string; day: string; rule: string; reason: string },
) {
  return { ...facts, account_id: extra.accountId, day: extra.day, rule: extra.rule, reason: extra.reason };
}
export const TEMPLATE_EXTRA_KEYS = ['account_id', 'day', 'rule', 'reason'];

const role = (r: string): Param => {
  const key = `automation.role.${r}`;
  return key in CATALOG ? msg(key as MessageKey) : r;
};

/** A one-line description of what an action would do, for dry runs (in the reader's language). */
export function describeAction(action: Action, facts: Facts): Message {
  switch (action.type) {
    case 'create_task': {
      const params = {
        priority: action.priority,
        type: msg(`automation.taskType.${action.taskType}`),
        title: templateParam(action.title, facts),
        who:
          'role' in action.assignee
            ? role(action.assignee.role)
            : msg('automation.plan.user', { id: action.assignee.userId }),
      };
      return action.dueInDays === undefined
        ? msg('automation.plan.create_task', params)
        : msg('automation.plan.create_taskDue', { ...params, days: action.dueInDays });
    }
    case 'add_tag':
    case 'remove_tag':
      return msg(`automation.plan.${action.type}`, { tag: action.tag });
    case 'set_tier':
      return action.days
        ? msg('automation.plan.set_tierFor', { value: valueParam('tier', action.tier), days: action.days })
        : msg('automation.plan.set_tier', { value: valueParam('tier', action.tier) });
    case 'set_stage':
      return action.days
        ? msg('automation.plan.set_stageFor', { value: valueParam('stage', action.stage), days: action.days })
        : msg('automation.plan.set_stage', { value: valueParam('stage', action.stage) });
    case 'webhook':
      return msg('automation.plan.webhook', { url: action.url });
    case 'email': {
      const to =
        'emails' in action.to
          ? action.to.emails.join(', ')
          : 'role' in action.to
            ? role(action.to.role)
            : msg('automation.plan.contacts');
      return msg('automation.plan.email', { subject: templateParam(action.subject, facts), to });
    }
    case 'timeline':
      return msg('automation.plan.timeline', { title: templateParam(action.title, facts) });
    case 'alert':
      return msg('automation.plan.alert', { destination: action.destinationId });
  }
}

/** Email addresses for a role on the account: its owner or team members with that role. */
async function recipients(ctx: Ctx, accountId: string, to: Extract<Action, { type: 'email' }>['to']) {
  if ('emails' in to) return to.emails;
  if ('contacts' in to) {
    const contacts = await contactRefsOf(ctx, [accountId], {
      withEmail: true,
      role: to.contacts === 'all' ? undefined : to.contacts,
      limit: 20,
    });
    return contacts.map((c) => c.email!);
  }
  const account = await getAccount({ ctx, id: accountId });
  const ids =
    to.role === 'owner'
      ? account.ownerId
        ? [account.ownerId]
        : []
      : account.team.filter((m) => m.role === to.role).map((m) => m.userId);
  if (!ids.length) return [];
  const users = await userRefs(ctx, ids);
  return ids.flatMap((id) => {
    const u = users.get(id);
    return u?.active ? [u.email] : [];
  });
}

/**
 * Runs every action of `spec` for one account in one transaction (all or nothing), and returns
 * each action's result plus the mails to send once it commits.
 */
export async function runActions(
  ctx: Ctx,
  spec: RuleSpec,
  runId: string,
  accountId: string,
  facts: Facts,
  reason: Message,
): Promise<{ results: ActionResult[]; mails: Mail[] }> {
  const day = today(ctx);
  // Texts that leave as plain text (email, a person's `{{reason}}`, an override's reason) are
  // rendered in the caller's language; tasks and timeline entries keep messages.
  const locale = ctx.locale ?? DEFAULT_LOCALE;
  const vars = templateFacts(facts, { accountId, day, rule: spec.name, reason: render(locale, reason) });
  const why = msg(spec.source === 'playbook' ? 'automation.why.playbook' : 'automation.why.rule', {
    name: spec.nameMessage ?? spec.name,
    reason,
  });
  return inTransaction(ctx, async (tx) => {
    const results: ActionResult[] = [];
    const mails: Mail[] = [];
    for (const action of spec.actions) {
      switch (action.type) {
        case 'create_task': {
          const title = templateParam(action.title, vars);
          const description = action.description
            ? msg('automation.paragraphs', { a: templateParam(action.description, vars), b: why })
            : why;
          // A work-content group that owns the task type takes it (its lightest-loaded member),
          // unless the action names a person.
          const routed = 'role' in action.assignee ? (await workGroupRouter(tx))(action.taskType) : null;
          const task = await createTask({
            ctx: tx,
            messages: { title: typeof title === 'string' ? undefined : title, description },
            input: {
              accountId,
              title: textOf('en', title).slice(0, 300),
              description: render('en', description).slice(0, 20_000),
              type: action.taskType,
              assignee: routed ? { userId: routed } : action.assignee,
              priority: action.priority,
              ...(action.dueInDays === undefined ? {} : { dueInDays: action.dueInDays }),
            },
            origin: { source: spec.source, ruleId: spec.id, runId },
          });
          results.push({
            action: action.type,
            status: 'done',
            detail: { taskId: task.id, title },
          });
          break;
        }
        case 'add_tag':
        case 'remove_tag': {
          const account = await getAccount({ ctx: tx, id: accountId });
          const has = account.tags.includes(action.tag);
          if (has === (action.type === 'add_tag')) {
            results.push({ action: action.type, status: 'noop', detail: { tag: action.tag } });
            break;
          }
          const tags =
            action.type === 'add_tag'
              ? [...account.tags, action.tag]
              : account.tags.filter((t) => t !== action.tag);
          await updateAccount({ ctx: tx, id: accountId, input: { tags } });
          results.push({ action: action.type, status: 'done', detail: { tag: action.tag } });
          break;
        }
        case 'set_tier':
        case 'set_stage': {
          const expiresOn = action.days ? addDays(day, action.days - 1) : null;
          if (action.type === 'set_tier') {
            await setTierOverride({
              ctx: tx,
              accountId,
              input: { tier: action.tier, reason: render(locale, why).slice(0, 2000), expiresOn },
            });
          } else {
            await setStageOverride({
              ctx: tx,
              accountId,
              input: { stage: action.stage, reason: render(locale, why).slice(0, 2000), expiresOn },
            });
          }
          results.push({
            action: action.type,
            status: 'done',
            detail: { value: action.type === 'set_tier' ? action.tier : action.stage, expiresOn },
          });
          break;
        }
        case 'webhook': {
          const deliveryId = await queueWebhook(tx, {
            ruleId: spec.id,
            runId,
            accountId,
            url: action.url,
            payload: {
              event: 'rule.matched',
              rule: { id: spec.id, name: spec.name, source: spec.source },
              runId,
              day,
              reason: render(locale, reason),
              account: {
                id: accountId,
                externalId: facts.external_id ?? null,
                name: facts.name ?? null,
                tier: facts.tier ?? null,
                stage: facts.stage ?? null,
                arr: facts.arr ?? null,
                healthScore: facts['health.score'] ?? null,
                healthStatus: facts['health.status'] ?? null,
                daysToRenewal: facts.days_to_renewal ?? null,
              },
            },
          });
          results.push({ action: action.type, status: 'done', detail: { deliveryId, url: action.url } });
          break;
        }
        case 'email': {
          const to = await recipients(tx, accountId, action.to);
          if (!to.length) {
            results.push({
              action: action.type,
              status: 'noop',
              detail: { reason: msg('automation.reason.noRecipient') },
            });
            break;
          }
          mails.push({
            action: 'email',
            to,
            subject: renderTemplate(action.subject, vars, locale),
            text: renderTemplate(action.body, vars, locale),
          });
          break;
        }
        case 'alert': {
          // To a chat group (or webhook) configured under Integrations: one message per run, in
          // the destination's language, with this account's line added (events-out.ts).
          const dest = await findDestination(tx, action.destinationId);
          if (!dest?.enabled) {
            results.push({
              action: action.type,
              status: 'noop',
              detail: {
                destination: dest?.name ?? action.destinationId,
                reason: msg(dest ? 'automation.reason.destinationOff' : 'automation.reason.noDestination'),
              },
            });
            break;
          }
          const at = dest.locale;
          const ruleName = spec.nameMessage ? render(at, spec.nameMessage) : spec.name;
          const name = typeof facts.name === 'string' ? facts.name : accountId;
          const line = action.text
            ? renderTemplate(action.text, { ...vars, reason: render(at, reason) }, at)
            : render(at, msg('automation.alert.line', { account: name, reason }));
          const gathered = await gatherRuleAlert(tx, dest, {
            ruleId: spec.id,
            ruleName,
            runId,
            key: spec.actions.indexOf(action),
            accountId,
            heading: render(at, msg('automation.alert.heading', { rule: ruleName })),
            text: (count) => render(at, msg('automation.alert.count', { count })),
            line,
          });
          results.push({
            action: action.type,
            status: 'done',
            detail: { destination: dest.name, deliveryId: gathered.deliveryId, line },
          });
          break;
        }
        case 'timeline': {
          const entry = await writeTimeline(tx, {
            accountId,
            type: 'automation.note',
            title: templateParam(action.title, vars),
            body: action.body ? templateParam(action.body, vars) : why,
            entityType: spec.source === 'playbook' ? 'playbook' : 'rule',
            entityId: spec.id,
            data: { ruleId: spec.id, runId, reason },
          });
          results.push({
            action: action.type,
            status: 'done',
            detail: { entryId: entry.id, title: templateParam(action.title, vars) },
          });
          break;
        }
      }
    }
    return { results, mails };
  });
}
