import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { AppError, forbidden } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { decodeCursor, encodeCursor, Limit } from '../../pagination.ts';
import { nowIso } from '../../time.ts';
import { authorize, userRefs } from '../auth/index.ts';
import { type Notification, notificationRowToNotification } from './notify.ts';

export const ListNotifications = z.object({
  unread: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .describe('`true`: only unread ones'),
  cursor: z.string().optional(),
  limit: Limit,
});
export type ListNotifications = z.output<typeof ListNotifications>;

export const NotificationSettings = z.object({
  dailyDigest: z
    .boolean()
    .describe('One email a day with unread notifications and overdue / due-today tasks'),
  email: z.string().describe('Where the digest goes: the user’s sign-in email'),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

export const UpdateNotificationSettings = z.object({ dailyDigest: z.boolean() }).strict();
export type UpdateNotificationSettings = z.input<typeof UpdateNotificationSettings>;

/** Notifications are personal: every verb here acts on the signed-in user's own. */
function me(ctx: Ctx): string {
  if (ctx.actor.kind !== 'user') throw forbidden(msg('notification.error.personal'));
  return ctx.actor.userId;
}

/** The signed-in user's notifications, newest first, with the count still unread. */
export async function listNotifications({ ctx, input }: { ctx: Ctx; input: ListNotifications }) {
  await authorize(ctx, 'read');
  const userId = me(ctx);
  const q = input;
  const mine = ctx.db
    .selectFrom('notifications')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('user_id', '=', userId);
  let query = mine.selectAll();
  if (q.unread !== undefined) query = query.where('read_at', q.unread ? 'is' : 'is not', null);
  if (q.cursor) {
    const [at, id] = decodeCursor(q.cursor, ['string', 'string']) as [string, string];
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const unread = await mine
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('read_at', 'is', null)
    .executeTakeFirst();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => notificationRowToNotification(r, ctx.locale)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.created_at, last.id]) : null,
    unreadCount: Number(unread?.n ?? 0),
  };
}

// Marking read and the digest setting are the user's own, like their profile: even a viewer may.
export async function markNotificationRead({ ctx, id }: { ctx: Ctx; id: string }): Promise<Notification> {
  await authorize(ctx, 'profile:write');
  const userId = me(ctx);
  const row = await ctx.db
    .selectFrom('notifications')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', msg('error.notFoundId', { what: msg('notification.what'), id }));
  if (row.read_at !== null) return notificationRowToNotification(row, ctx.locale);
  const readAt = nowIso(ctx);
  await ctx.db
    .updateTable('notifications')
    .set({ read_at: readAt })
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .where('read_at', 'is', null)
    .execute();
  return notificationRowToNotification({ ...row, read_at: readAt }, ctx.locale);
}

export async function markAllNotificationsRead({ ctx }: { ctx: Ctx }): Promise<{ updated: number }> {
  await authorize(ctx, 'profile:write');
  const userId = me(ctx);
  const result = await ctx.db
    .updateTable('notifications')
    .set({ read_at: nowIso(ctx) })
    .where('workspace_id', '=', ctx.workspace.id)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return { updated: Number(result.numUpdatedRows) };
}

async function settingsOf(ctx: Ctx, userId: string): Promise<NotificationSettings> {
  const user = (await userRefs(ctx, [userId])).get(userId);
  if (!user)
    throw new AppError(
      'not_found',
      msg('error.notFoundId', { what: msg('notification.what.user'), id: userId }),
    );
  const settings = await ctx.db
    .selectFrom('notification_settings')
    .select('daily_digest')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  // Off by default: nobody gets email they did not ask for.
  return { dailyDigest: settings?.daily_digest === 1, email: user.email };
}

export async function getNotificationSettings({ ctx }: { ctx: Ctx }): Promise<NotificationSettings> {
  await authorize(ctx, 'read');
  return settingsOf(ctx, me(ctx));
}

export async function updateNotificationSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: UpdateNotificationSettings;
}): Promise<NotificationSettings> {
  await authorize(ctx, 'profile:write');
  const userId = me(ctx);
  const data = UpdateNotificationSettings.parse(input);
  const now = nowIso(ctx);
  await ctx.db
    .insertInto('notification_settings')
    .values({
      workspace_id: ctx.workspace.id,
      user_id: userId,
      daily_digest: data.dailyDigest ? 1 : 0,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'user_id'])
        .doUpdateSet({ daily_digest: data.dailyDigest ? 1 : 0, updated_at: now }),
    )
    .execute();
  return settingsOf(ctx, userId);
}
