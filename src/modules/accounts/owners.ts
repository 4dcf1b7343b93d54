import { sql } from 'kysely';
import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { AppError, invalid, invalidField } from '../../errors.ts';
import { msg, type Param } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';
import { authorize, userNames, userRefs, writeAudit } from '../auth/index.ts';
import { writeTimelineEntries } from '../timeline/index.ts';

/**
 * `workspace_id` as an expression: with `id IN (...)` beside it, SQLite would otherwise walk a
 * (workspace_id, ...) index over the whole workspace for every batch (20 s for 100,000 moves)
 * instead of looking the ids up by primary key. Same filter, both engines.
 */
const sameWorkspace = sql<string>`${sql.ref('workspace_id')} || ''`;

export const ReassignOwners = z.object({
  moves: z
    .array(
      z.object({
        accountId: z.string().min(1),
        ownerId: z.string().min(1),
        reason: z.string().max(100).optional(),
      }),
    )
    .min(1)
    .max(200_000),
  /** Why, for the timeline and audit: e.g. "assignment (rebalance)", "offboarding of Wang Fang". */
  cause: z.string().trim().min(1).max(200),
});
export type ReassignOwners = z.input<typeof ReassignOwners>;

/**
 * Changes the owner of many accounts at once (assignment, rebalancing, a CSM leaving): the old
 * owner's `csm` team role passes to the new owner, every account gets an `account.updated`
 * timeline entry naming both, and one audit row lists every move. Batched (not one
 * updateAccount per account) so a reassignment of 100,000 accounts is a few thousand statements.
 */
export async function reassignAccountOwners({ ctx, input }: { ctx: Ctx; input: ReassignOwners }) {
  await authorize(ctx, 'accounts:bulk');
  const data = ReassignOwners.parse(input);
  return inTransaction(ctx, async (tx) => {
    const ws = tx.workspace.id;
    const ids = data.moves.map((m) => m.accountId);
    if (new Set(ids).size !== ids.length) throw invalid(msg('accounts.error.movesTwice'));
    const newOwners = [...new Set(data.moves.map((m) => m.ownerId))];
    const users = [...(await userRefs(tx, newOwners)).values()].filter((u) => u.active);
    const names = new Map(users.map((u) => [u.id, u.name]));
    const unknown = newOwners.find((id) => !names.has(id));
    if (unknown) {
      throw invalidField('moves.ownerId', msg('accounts.error.noActiveUser', { id: String(unknown) }));
    }
    const before = new Map<string, { name: string; ownerId: string | null }>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await tx.db
        .selectFrom('accounts')
        .select(['id', 'name', 'owner_id'])
        .where(sameWorkspace, '=', ws)
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) before.set(r.id, { name: r.name, ownerId: r.owner_id });
    }
    const missing = ids.filter((id) => !before.has(id));
    if (missing.length)
      throw new AppError(
        'not_found',
        msg('accounts.error.accountsNotFound', { ids: missing.slice(0, 5).join(', ') }),
        {
          missing,
        },
      );
    const oldOwners = [
      ...new Set([...before.values()].map((b) => b.ownerId).filter((o): o is string => o !== null)),
    ];
    for (const [id, name] of await userNames(tx, oldOwners)) if (!names.has(id)) names.set(id, name);

    const changed = data.moves.filter((m) => before.get(m.accountId)!.ownerId !== m.ownerId);
    const now = nowIso(tx);
    const byOwner = new Map<string, string[]>();
    for (const m of changed) {
      const list = byOwner.get(m.ownerId);
      if (list) list.push(m.accountId);
      else byOwner.set(m.ownerId, [m.accountId]);
    }
    for (const [ownerId, accountIds] of byOwner) {
      for (let i = 0; i < accountIds.length; i += 500) {
        const batch = accountIds.slice(i, i + 500);
        await tx.db
          .updateTable('accounts')
          .set({ owner_id: ownerId, updated_at: now })
          .where(sameWorkspace, '=', ws)
          .where('id', 'in', batch)
          .execute();
        // The CSM role on the account team follows the owner.
        await tx.db
          .deleteFrom('account_members')
          .where('workspace_id', '=', ws)
          .where('account_id', 'in', batch)
          .where('role', '=', 'csm')
          .execute();
        await tx.db
          .insertInto('account_members')
          .values(
            batch.map((accountId) => ({
              workspace_id: ws,
              account_id: accountId,
              user_id: ownerId,
              role: 'csm',
            })),
          )
          .execute();
      }
    }
    const label = (id: string | null): Param => (id === null ? msg('event.nobody') : (names.get(id) ?? id));
    await writeTimelineEntries(
      tx,
      changed.map((m) => {
        const from = before.get(m.accountId)!.ownerId;
        return {
          accountId: m.accountId,
          type: 'account.updated',
          title: msg('event.ownerChanged', {
            from: label(from),
            to: label(m.ownerId),
            cause: causeParam(data.cause),
          }),
          entityType: 'account',
          entityId: m.accountId,
          data: {
            changes: { ownerId: [from, m.ownerId] },
            cause: data.cause,
            ...(m.reason ? { reason: m.reason } : {}),
          },
        };
      }),
    );
    if (changed.length) {
      await writeAudit(tx, {
        action: 'account.owners_reassigned',
        entityType: 'reassignment',
        entityId: newId(),
        after: {
          cause: data.cause,
          moves: changed.map((m) => ({
            accountId: m.accountId,
            from: before.get(m.accountId)!.ownerId,
            to: m.ownerId,
            reason: m.reason,
          })),
        },
      });
    }
    return { moved: changed.length, unchanged: data.moves.length - changed.length };
  });
}

/** The causes the team module writes, in the reader's language; any other cause is shown as given. */
function causeParam(cause: string): Param {
  if (cause === 'assignment: rebalance') return msg('event.cause.rebalance');
  if (cause === 'assignment: unowned accounts') return msg('event.cause.unowned');
  const leaving = /^offboarding of (.+)$/.exec(cause)?.[1];
  return leaving ? msg('event.cause.offboarding', { name: leaving }) : cause;
}
