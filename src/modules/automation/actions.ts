// Carrying out a rule's actions for one account. Database changes go through the owning modules'
// verbs inside the caller's transaction (task, tags, tier/stage override, timeline, a queued
// webhook); email leaves the process, so it is returned as a follow-up the engine sends after the
// commit.
import { type Ctx, inTransaction } from '../../context.ts';
import { addDays, today } from '../../time.ts';
import { contactRefsOf, getAccount, updateAccount } from '../accounts/index.ts';
import { userRefs } from '../auth/index.ts';
import type { Facts } from '../facts/build-facts.ts';
import { setStageOverride } from '../lifecycle/index.ts';
import { setTierOverride } from '../segments/index.ts';
import { createTask } from '../tasks/index.ts';
import { writeTimeline } from '../timeline/index.ts';
import type { Action } from './automation.schemas.ts';
import { renderTemplate } from './template.ts';
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

/** A one-line description of what an action would do, for dry runs and run logs. */
export function describeAction(action: Action, facts: Facts): string {
  switch (action.type) {
    case 'create_task': {
      const who = 'role' in action.assignee ? action.assignee.role : `user ${action.assignee.userId}`;
      const due = action.dueInDays === undefined ? '' : `, due in ${action.dueInDays} days`;
      return `${action.priority} ${action.taskType} task "${renderTemplate(action.title, facts)}" for ${who}${due}`;
    }
    case 'add_tag':
      return `add tag ${action.tag}`;
    case 'remove_tag':
      return `remove tag ${action.tag}`;
    case 'set_tier':
      return `set tier ${action.tier}${action.days ? ` for ${action.days} days` : ''}`;
    case 'set_stage':
      return `set stage ${action.stage}${action.days ? ` for ${action.days} days` : ''}`;
    case 'webhook':
      return `POST signed webhook to ${action.url}`;
    case 'email': {
      const to =
        'emails' in action.to
          ? action.to.emails.join(', ')
          : 'role' in action.to
            ? action.to.role
            : 'contacts';
      return `email "${renderTemplate(action.subject, facts)}" to ${to}`;
    }
    case 'timeline':
      return `timeline entry "${renderTemplate(action.title, facts)}"`;
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
  reason: string,
): Promise<{ results: ActionResult[]; mails: Mail[] }> {
  const day = today(ctx);
  const vars = templateFacts(facts, { accountId, day, rule: spec.name, reason });
  const why = `${spec.source === 'playbook' ? 'Playbook' : 'Rule'} ${spec.name}: ${reason}`;
  return inTransaction(ctx, async (tx) => {
    const results: ActionResult[] = [];
    const mails: Mail[] = [];
    for (const action of spec.actions) {
      switch (action.type) {
        case 'create_task': {
          const task = await createTask({
            ctx: tx,
            input: {
              accountId,
              title: renderTemplate(action.title, vars).slice(0, 300),
              description: action.description
                ? `${renderTemplate(action.description, vars)}\n\n${why}`.slice(0, 20_000)
                : why,
              type: action.taskType,
              assignee: action.assignee,
              priority: action.priority,
              ...(action.dueInDays === undefined ? {} : { dueInDays: action.dueInDays }),
            },
            origin: { source: spec.source, ruleId: spec.id, runId },
          });
          results.push({
            action: action.type,
            status: 'done',
            detail: { taskId: task.id, title: task.title },
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
              input: { tier: action.tier, reason: why.slice(0, 2000), expiresOn },
            });
          } else {
            await setStageOverride({
              ctx: tx,
              accountId,
              input: { stage: action.stage, reason: why.slice(0, 2000), expiresOn },
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
              reason,
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
            results.push({ action: action.type, status: 'noop', detail: { reason: 'no recipient' } });
            break;
          }
          mails.push({
            action: 'email',
            to,
            subject: renderTemplate(action.subject, vars),
            text: renderTemplate(action.body, vars),
          });
          break;
        }
        case 'timeline': {
          const entry = await writeTimeline(tx, {
            accountId,
            type: 'automation.note',
            title: renderTemplate(action.title, vars).slice(0, 300),
            body: action.body ? renderTemplate(action.body, vars) : why,
            entityType: spec.source === 'playbook' ? 'playbook' : 'rule',
            entityId: spec.id,
            data: { ruleId: spec.id, runId, reason },
          });
          results.push({ action: action.type, status: 'done', detail: { entryId: entry.id } });
          break;
        }
      }
    }
    return { results, mails };
  });
}
