import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import {
  DEFAULT_LOCALE,
  LOCALES,
  type Locale,
  type Message,
  readText,
  StoredMessage,
  storedMessage,
  storeText,
} from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';
import type { NotificationsTable } from './notifications.table.ts';

/**
 * What producers in this codebase send. Stored as text, so a module adding a kind (automation's
 * alerts) needs no migration; clients fall back to showing title and body for kinds they don't know.
 */
export const NOTIFICATION_KINDS = ['task_assigned', 'account_danger', 'renewal_upcoming'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const Notification = z.object({
  id: z.string(),
  kind: z.string(),
  /** In the reader's language (Accept-Language, else their profile); the digest uses the recipient's. */
  title: z.string(),
  /** The title as a message key and parameters (null on notifications stored before messages). */
  titleMessage: StoredMessage.nullable(),
  body: z.string().nullable(),
  bodyMessage: StoredMessage.nullable(),
  accountId: z.string().nullable(),
  taskId: z.string().nullable(),
  data: z.unknown().nullable(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Notification = z.infer<typeof Notification>;

export const notificationRowToNotification = (
  r: NotificationsTable,
  locale: Locale | undefined,
): Notification => ({
  id: r.id,
  kind: r.kind,
  title: readText(locale, r.title, r.title_message),
  titleMessage: storedMessage(r.title_message),
  body: r.body === null ? null : readText(locale, r.body, r.body_message),
  bodyMessage: storedMessage(r.body_message),
  accountId: r.account_id,
  taskId: r.task_id,
  data: r.data === null ? null : JSON.parse(r.data),
  readAt: r.read_at,
  createdAt: r.created_at,
});

export type NotifyInput = {
  userId: string;
  kind: NotificationKind | (string & {});
  /** A message, rendered in the language of whoever reads it (the app's, or the user's for email). */
  title: string | Message;
  body?: string | Message | null;
  accountId?: string | null;
  taskId?: string | null;
  data?: unknown;
  /**
   * Notify at most once per user and key (e.g. `renewal:<account>:<date>`): a second call with
   * the same key writes nothing and returns undefined, so reruns of a job notify nobody twice.
   */
  dedupeKey?: string;
};

/**
 * Writes one in-app notification for a user of the workspace, in the caller's transaction (so a
 * rolled-back change notifies nobody). Returns it, or undefined when `dedupeKey` was already used
 * or the user muted the kind.
 */
export async function notify(ctx: Ctx, input: NotifyInput): Promise<Notification | undefined> {
  // A kind the user turned off in their notification settings is not written at all.
  const settings = await ctx.db
    .selectFrom('notification_settings')
    .select('muted_kinds')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('user_id', '=', input.userId)
    .executeTakeFirst();
  if (settings && parseJson<string[]>(settings.muted_kinds, []).includes(input.kind)) return undefined;
  const title = storeText(input.title, 300);
  const body = input.body === undefined || input.body === null ? null : storeText(input.body);
  const row: NotificationsTable = {
    id: newId(),
    workspace_id: ctx.workspace.id,
    user_id: input.userId,
    kind: input.kind,
    title: title.text,
    title_message: title.message,
    body: body?.text ?? null,
    body_message: body?.message ?? null,
    account_id: input.accountId ?? null,
    task_id: input.taskId ?? null,
    data: input.data === undefined ? null : JSON.stringify(input.data),
    dedupe_key: input.dedupeKey ?? null,
    read_at: null,
    created_at: nowIso(ctx),
  };
  const inserted = await ctx.db
    .insertInto('notifications')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted ? notificationRowToNotification(row, ctx.locale) : undefined;
}

/** A user's profile language as a locale we speak (the digest and other email are in it). */
export const asLocale = (locale: string | undefined): Locale =>
  (LOCALES as readonly string[]).includes(locale ?? '') ? (locale as Locale) : DEFAULT_LOCALE;
