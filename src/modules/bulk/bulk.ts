// Bulk actions on the accounts list: one request names a selection (ids, or the list's filter for
// "all N matching") and one or more actions; everything is checked before anything is written, and
// the writes run in one transaction, so either every account changes or none does. Each account's
// change goes through the owning module's verb, which writes that account's timeline entry and
// audit row; one more audit row records the request as a whole.
import { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import { AppError, invalidIssues } from '../../errors.ts';
import { msg, render } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { isValidDay } from '../../time.ts';
import {
  accountRefs,
  bulkUpdateAccounts,
  ListAccounts,
  listAccounts,
  parseCustomFieldFilters,
  TEAM_ROLES,
} from '../accounts/index.ts';
import { authorize, userRefs, writeAudit } from '../auth/index.ts';
import { accountListState } from '../lifecycle/index.ts';
import { loadActiveScheme, schemeTiers, setTierOverride } from '../segments/index.ts';
import { Assignee, createTask, PRIORITIES, TASK_TYPES } from '../tasks/index.ts';

/**
 * At most this many accounts per request. Every account's change is a verb call with its own
 * timeline entry and audit row inside one transaction: measured on SQLite (2 shared cores, another
 * test run beside it) 1,000 accounts took 11 s to tag or re-own, 19 s to set a tier and 11 s to get
 * a task each, while other writers wait. 500 keeps a request to a few seconds; larger moves belong
 * to team assignment, which batches its statements.
 */
export const BULK_LIMIT = 500;

const Label = z.string().trim().min(1).max(100);
const Day = z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD');

export const BulkAction = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('assignOwner'), ownerId: z.string().min(1).nullable() }).strict(),
    z
      .object({ type: z.literal('setTeamRole'), role: z.enum(TEAM_ROLES), userId: z.string().min(1) })
      .strict(),
    z.object({ type: z.literal('addTag'), tag: Label }).strict(),
    z.object({ type: z.literal('removeTag'), tag: Label }).strict(),
    z
      .object({
        type: z.literal('tierOverride'),
        tier: z.string().trim().min(1).max(200),
        reason: z.string().trim().min(1).max(2000),
        expiresOn: Day.nullable().optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('createTasks'),
        title: z.string().trim().min(1).max(300),
        taskType: z.enum(TASK_TYPES).default('other'),
        priority: z.enum(PRIORITIES).default('P2'),
        dueDate: Day.optional(),
        /** Default: each account's owner. */
        assignee: Assignee.default({ role: 'owner' }),
      })
      .strict(),
  ])
  .openapi('BulkAction');
export type BulkAction = z.output<typeof BulkAction>;

export const BulkAccounts = z
  .object({
    /** The accounts, by id. Above BULK_LIMIT is a 400 that says so. */
    ids: z.array(z.string().min(1)).min(1).max(100_000).optional(),
    /** Or every account the list's query matches (the GET /accounts parameters, as strings). */
    filter: z.record(z.string(), z.string()).optional(),
    actions: z.array(BulkAction).min(1).max(6),
  })
  .strict();
export type BulkAccounts = z.input<typeof BulkAccounts>;

export const BulkResult = z.object({
  accounts: z.number().describe('How many accounts the request acted on'),
  ownerChanged: z.number(),
  teamRoleSet: z.number(),
  tagsAdded: z.number().describe('Accounts that gained the tag'),
  tagsRemoved: z.number().describe('Accounts that lost the tag'),
  tierOverridden: z.number(),
  tasksCreated: z.number(),
});
export type BulkResult = z.infer<typeof BulkResult>;

/** A 400 (or 404) naming the field, its message in the reader's language. */
function bad(
  ctx: Ctx,
  path: string,
  text: Parameters<typeof msg>,
  status: 'validation_failed' | 'not_found' = 'validation_failed',
) {
  const m = msg(...text);
  return new AppError(status, m, { issues: [{ path, message: render(ctx.locale ?? 'en', m) }] });
}

/** The ids of the selection, checked against the limit before anything else is read. */
async function selectedIds(ctx: Ctx, data: z.output<typeof BulkAccounts>): Promise<string[]> {
  if (data.ids && data.filter) throw bad(ctx, 'filter', ['actions.bulkBothSelections']);
  if (data.ids) {
    const ids = [...new Set(data.ids)];
    if (ids.length > BULK_LIMIT)
      throw bad(ctx, 'ids', ['actions.bulkTooMany', { n: ids.length, max: BULK_LIMIT }]);
    return ids;
  }
  if (!data.filter) throw bad(ctx, 'ids', ['actions.bulkNothingSelected']);
  const { cursor: _c, limit: _l, includeTotal: _t, ...filter } = data.filter;
  const query = ListAccounts.safeParse({ ...filter, limit: 500, includeTotal: 'true' });
  if (!query.success) {
    throw invalidIssues(
      query.error.issues.map((i) => ({ path: `filter.${i.path.join('.')}`, message: i.message })),
      msg('part.filter'),
    );
  }
  const customFieldFilters = parseCustomFieldFilters(filter);
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAccounts({
      ctx,
      input: { ...query.data, cursor, includeTotal: cursor === undefined },
      state: accountListState,
      customFieldFilters,
    });
    if (page.total !== undefined && page.total > BULK_LIMIT)
      throw bad(ctx, 'filter', ['actions.bulkTooMany', { n: page.total, max: BULK_LIMIT }]);
    ids.push(...page.items.map((a) => a.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

/**
 * Applies `actions` to every selected account, all or nothing. Needs accounts:bulk (managers and
 * admins); each verb it calls checks its own permission as well.
 */
export async function bulkAccounts({ ctx, input }: { ctx: Ctx; input: BulkAccounts }): Promise<BulkResult> {
  await authorize(ctx, 'accounts:bulk');
  const data = BulkAccounts.parse(input);
  const kinds = data.actions.map((a) => a.type);
  if (new Set(kinds).size !== kinds.length) throw bad(ctx, 'actions', ['actions.bulkRepeatedAction']);
  const find = <T extends BulkAction['type']>(type: T) =>
    data.actions.find((a): a is Extract<BulkAction, { type: T }> => a.type === type);

  return inTransaction(ctx, async (tx) => {
    const ids = await selectedIds(tx, data);
    const result: BulkResult = {
      accounts: ids.length,
      ownerChanged: 0,
      teamRoleSet: 0,
      tagsAdded: 0,
      tagsRemoved: 0,
      tierOverridden: 0,
      tasksCreated: 0,
    };
    if (ids.length === 0) return result;

    // Everything checked before the first write.
    const owner = find('assignOwner');
    const team = find('setTeamRole');
    const tier = find('tierOverride');
    const tasks = find('createTasks');
    const users = [
      owner?.ownerId,
      team?.userId,
      tasks && 'userId' in tasks.assignee ? tasks.assignee.userId : null,
    ].filter((u): u is string => typeof u === 'string');
    const refs = await userRefs(tx, users);
    for (const [path, id] of [
      ['actions.ownerId', owner?.ownerId],
      ['actions.userId', team?.userId],
      ['actions.assignee', tasks && 'userId' in tasks.assignee ? tasks.assignee.userId : null],
    ] as const) {
      if (id && !refs.get(id)?.active) throw bad(tx, path, ['actions.bulkUnknownUser', { id }]);
    }
    if (tier) {
      const scheme = await loadActiveScheme(tx);
      const tiers = scheme ? schemeTiers(scheme) : null;
      if (tiers && !tiers.includes(tier.tier))
        throw bad(ctx, 'actions.tier', [
          'actions.bulkUnknownTier',
          { tier: tier.tier, tiers: tiers.join(', ') },
        ]);
    }
    const found = await accountRefs(tx, ids);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length)
      throw bad(
        ctx,
        'ids',
        ['actions.bulkAccountsNotFound', { n: missing.length, ids: missing.slice(0, 3).join(', ') }],
        'not_found',
      );

    const addTag = find('addTag')?.tag;
    const removeTag = find('removeTag')?.tag;
    if (owner || team || addTag || removeTag) {
      const changed = await bulkUpdateAccounts({
        ctx: tx,
        input: {
          ids,
          ...(owner ? { ownerId: owner.ownerId } : {}),
          ...(addTag ? { addTags: [addTag] } : {}),
          ...(removeTag ? { removeTags: [removeTag] } : {}),
          ...(team ? { teamRole: { role: team.role, userId: team.userId } } : {}),
        },
      });
      result.ownerChanged = changed.ownerChanged;
      result.tagsAdded = changed.tagsAdded;
      result.tagsRemoved = changed.tagsRemoved;
      result.teamRoleSet = changed.teamRoleSet;
    }
    if (tier) {
      for (const id of ids) {
        await setTierOverride({
          ctx: tx,
          accountId: id,
          input: { tier: tier.tier, reason: tier.reason, expiresOn: tier.expiresOn ?? null },
        });
        result.tierOverridden++;
      }
    }
    if (tasks) {
      for (const id of ids) {
        await createTask({
          ctx: tx,
          input: {
            accountId: id,
            title: tasks.title,
            type: tasks.taskType,
            priority: tasks.priority,
            dueDate: tasks.dueDate,
            assignee: tasks.assignee,
          },
        });
        result.tasksCreated++;
      }
    }
    await writeAudit(tx, {
      action: 'accounts.bulk',
      entityType: 'bulk_action',
      entityId: newId(),
      after: { accountIds: ids, actions: data.actions, result },
    });
    return result;
  });
}
