import { z } from '@hono/zod-openapi';
import type { Ctx } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { AppError, forbidden } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { decodeCursor, encodeCursor, Limit } from '../../pagination.ts';
import { addDays, dayStart, isValidDay, nowIso } from '../../time.ts';
import { authorize, userRefs } from '../auth/index.ts';
import { NOTIFICATION_KINDS, type Notification, notificationRowToNotification } from './notify.ts';

const csv = z
  .string()
  .optional()
  .transform((v) =>
    v
      ?.split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
const Day = z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD');

export const ListNotifications = z.object({
  unread: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .describe('`true`: only unread ones'),
  kind: csv.describe('Only these kinds (comma-separated), e.g. task_assigned,account_danger'),
  from: Day.optional().describe('Created on or after this day (workspace time zone)'),
  to: Day.optional().describe('Created on or before this day (workspace time zone)'),
  includeTotal: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('`true`: also count every notification the filters match'),
  cursor: z.string().optional(),
  limit: Limit,
});
export type ListNotifications = z.output<typeof ListNotifications>;

export const DIGEST_FREQUENCIES = ['daily', 'weekly'] as const;
export const DigestFrequency = z.enum(DIGEST_FREQUENCIES).openapi('DigestFrequency');
export const NotificationKind = z.enum(NOTIFICATION_KINDS).openapi('NotificationKind');

export const NotificationSettings = z.object({
  dailyDigest: z
    .boolean()
    .describe('The email digest is on: unread notifications and overdue / due-today tasks'),
  digestFrequency: DigestFrequency.describe('`daily`, or `weekly` (Mondays, workspace time zone)'),
  mutedKinds: z.array(NotificationKind).describe('Kinds of notification the user does not want'),
  kinds: z.array(NotificationKind).describe('Every kind there is, for a settings form'),
  email: z.string().describe('Where the digest goes: the user’s sign-in email'),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

export const UpdateNotificationSettings = z
  .object({
    dailyDigest: z.boolean(),
    digestFrequency: DigestFrequency,
    mutedKinds: z.array(NotificationKind).max(NOTIFICATION_KINDS.length),
  })
  .partial()
  .strict();
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
  let filtered = mine;
  if (q.unread !== undefined) filtered = filtered.where('read_at', q.unread ? 'is' : 'is not', null);
  if (q.kind?.length) filtered = filtered.where('kind', 'in', q.kind);
  // Days are the workspace's: from its first instant to the first instant of the day after `to`.
  const zone = ctx.workspace.timeZone;
  if (q.from) filtered = filtered.where('created_at', '>=', dayStart(q.from, zone));
  if (q.to) filtered = filtered.where('created_at', '<', dayStart(addDays(q.to, 1), zone));
  let query = filtered.selectAll();
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
  const total = q.includeTotal
    ? Number((await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0)
    : undefined;
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => notificationRowToNotification(r, ctx.locale)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.created_at, last.id]) : null,
    unreadCount: Number(unread?.n ?? 0),
    ...(total === undefined ? {} : { total }),
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

const knownKinds = (kinds: readonly string[]) => NOTIFICATION_KINDS.filter((k) => kinds.includes(k));

async function settingsOf(ctx: Ctx, userId: string): Promise<NotificationSettings> {
  const user = (await userRefs(ctx, [userId])).get(userId);
  if (!user)
    throw new AppError(
      'not_found',
      msg('error.notFoundId', { what: msg('notification.what.user'), id: userId }),
    );
  const settings = await ctx.db
    .selectFrom('notification_settings')
    .select(['daily_digest', 'digest_frequency', 'muted_kinds'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  // Off by default: nobody gets email they did not ask for.
  return {
    dailyDigest: settings?.daily_digest === 1,
    digestFrequency: settings?.digest_frequency === 'weekly' ? 'weekly' : 'daily',
    mutedKinds: knownKinds(parseJson<string[]>(settings?.muted_kinds ?? '[]', [])),
    kinds: [...NOTIFICATION_KINDS],
    email: user.email,
  };
}

export async function getNotificationSettings({ ctx }: { ctx: Ctx }): Promise<NotificationSettings> {
  await authorize(ctx, 'read');
  return settingsOf(ctx, me(ctx));
}

/** Changes only the fields given; the rest keep their values. */
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
  const current = await settingsOf(ctx, userId);
  const next = {
    daily_digest: (data.dailyDigest ?? current.dailyDigest) ? 1 : 0,
    digest_frequency: data.digestFrequency ?? current.digestFrequency,
    muted_kinds: JSON.stringify(knownKinds(data.mutedKinds ?? current.mutedKinds)),
    updated_at: now,
  };
  await ctx.db
    .insertInto('notification_settings')
    .values({ workspace_id: ctx.workspace.id, user_id: userId, ...next })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet(next))
    .execute();
  return settingsOf(ctx, userId);
}
