import { z } from 'zod';
import { accountsChanged } from '../../account-changes.ts';
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { type Message, readText, StoredMessage, storedMessage, storeText } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, encodeCursor, Limit } from '../../pagination.ts';
import { nowIso } from '../../time.ts';
// Not through accounts/index.ts: accounts writes its timeline through this module, and refs.ts
// imports no module.
import { getAccountRef } from '../accounts/refs.ts';
import { authorize, writeAudit } from '../auth/index.ts';
// A leaf: events out are queued in the transaction of the entry that records them.
import { emitTimelineEvents } from '../automation/events-out.ts';
import type { TimelineEntriesTable } from './timeline.table.ts';

export const NOTE_TYPES = ['note', 'call', 'meeting', 'email'] as const;
export type NoteType = (typeof NOTE_TYPES)[number];

export const TimelineEntry = z.object({
  id: z.string(),
  accountId: z.string(),
  type: z.string(),
  /** In the reader's language (Accept-Language, else their profile) when the entry is a system event. */
  title: z.string(),
  /** The title as a message key and parameters; null when the title is a person's own words. */
  titleMessage: StoredMessage.nullable(),
  body: z.string().nullable(),
  actorId: z.string().nullable(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  data: z.unknown().nullable(),
  occurredAt: z.string(),
  createdAt: z.string(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

const rowToEntry = (ctx: Ctx, r: TimelineEntriesTable): TimelineEntry => ({
  id: r.id,
  accountId: r.account_id,
  type: r.type,
  title: readText(ctx.locale, r.title, r.title_message),
  titleMessage: storedMessage(r.title_message),
  body: r.body === null ? null : readText(ctx.locale, r.body, r.body_message),
  actorId: r.actor_id,
  entityType: r.entity_type,
  entityId: r.entity_id,
  data: r.data === null ? null : JSON.parse(r.data),
  occurredAt: r.occurred_at,
  createdAt: r.created_at,
});

export type TimelineWrite = {
  accountId: string;
  type: string;
  /** A message for system events (rendered in each reader's language); a string for a person's words. */
  title: string | Message;
  body?: string | Message | null;
  entityType?: string;
  entityId?: string;
  data?: unknown;
  occurredAt?: string;
};

/** Call inside the transaction of the change it records. */
export async function writeTimeline(ctx: Ctx, entry: TimelineWrite): Promise<TimelineEntry> {
  const now = nowIso(ctx);
  const row: TimelineEntriesTable = {
    id: newId(),
    workspace_id: ctx.workspace.id,
    account_id: entry.accountId,
    type: entry.type,
    ...texts(entry),
    actor_id: actorId(ctx),
    entity_type: entry.entityType ?? null,
    entity_id: entry.entityId ?? null,
    data: entry.data === undefined ? null : JSON.stringify(entry.data),
    occurred_at: entry.occurredAt ?? now,
    created_at: now,
  };
  await ctx.db.insertInto('timeline_entries').values(row).execute();
  await emitTimelineEvents(ctx, [row]);
  return rowToEntry(ctx, row);
}

/** The text and message columns of an entry's title and body. */
function texts(entry: TimelineWrite) {
  const title = storeText(entry.title, 300);
  const body = entry.body === undefined || entry.body === null ? null : storeText(entry.body);
  return {
    title: title.text,
    title_message: title.message,
    body: body?.text ?? null,
    body_message: body?.message ?? null,
  };
}

/** The fields whose values differ, as `{ field: [before, after] }`. */
export function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = [before[key], after[key]];
  }
  return changes;
}

export type AccountChange = {
  accountId: string;
  entityType: 'account' | 'contact' | 'contract';
  entityId: string;
  action: 'created' | 'updated' | 'deleted';
  title: Message;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
};

/**
 * One change to an account, contact or contract: an audit row (who, before/after) and a timeline
 * entry on the account (what changed), both in the caller's transaction. Returns false, writing
 * nothing, when an update changed no field.
 */
export async function recordAccountChange(ctx: Ctx, change: AccountChange): Promise<boolean> {
  const changes = change.before && change.after ? diff(change.before, change.after) : undefined;
  if (change.action === 'updated' && changes && Object.keys(changes).length === 0) return false;
  const action = `${change.entityType}.${change.action}`;
  await writeAudit(ctx, {
    action,
    entityType: change.entityType,
    entityId: change.entityId,
    before: change.before,
    after: change.after,
  });
  await writeTimeline(ctx, {
    accountId: change.accountId,
    type: action,
    title: change.title,
    entityType: change.entityType,
    entityId: change.entityId,
    data: changes ? { changes } : undefined,
  });
  return true;
}

export const CreateNote = z.object({
  type: z.enum(NOTE_TYPES).default('note'),
  title: z.string().trim().min(1).max(300).optional(),
  body: z.string().trim().min(1).max(20_000),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateNote = z.infer<typeof CreateNote>;

export async function addNote({ ctx, accountId, input }: { ctx: Ctx; accountId: string; input: CreateNote }) {
  const data = CreateNote.parse(input);
  return inTransaction(ctx, async (tx) => {
    await getAccountRef(tx, accountId);
    await authorize(tx, 'notes:write', accountId);
    const entry = await writeTimeline(tx, {
      accountId,
      type: data.type,
      title: data.title ?? firstLine(data.body),
      body: data.body,
      occurredAt: data.occurredAt ? new Date(data.occurredAt).toISOString() : undefined,
    });
    await accountsChanged(tx, [accountId], 'note');
    await writeAudit(tx, {
      action: 'note.created',
      entityType: 'timeline_entry',
      entityId: entry.id,
      after: entry,
    });
    return entry;
  });
}

export const ListTimeline = z.object({
  type: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()) : undefined)),
  /** 'people' = notes, calls, meetings, emails; 'system' = recorded changes. */
  kind: z.enum(['people', 'system']).optional(),
  cursor: z.string().optional(),
  limit: Limit,
});
export type ListTimeline = z.output<typeof ListTimeline>;

export async function listTimeline({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: ListTimeline;
}) {
  await authorize(ctx, 'read');
  const q = input;
  await getAccountRef(ctx, accountId);
  let query = ctx.db
    .selectFrom('timeline_entries')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', accountId);
  if (q.type) query = query.where('type', 'in', q.type);
  if (q.kind === 'people') query = query.where('type', 'in', [...NOTE_TYPES]);
  if (q.kind === 'system') query = query.where('type', 'not in', [...NOTE_TYPES]);
  if (q.cursor) {
    const [at, id] = decodeCursor(q.cursor, ['string', 'string']) as [string, string];
    query = query.where((eb) =>
      eb.or([eb('occurred_at', '<', at), eb.and([eb('occurred_at', '=', at), eb('id', '<', id)])]),
    );
  }
  const rows = await query
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => rowToEntry(ctx, r)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.occurred_at, last.id]) : null,
  };
}

const firstLine = (body: string) => {
  const line = body.split('\n')[0] ?? body;
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
};

/**
 * Many entries in one multi-row insert per 500 (a reassignment of thousands of accounts); call
 * inside the transaction of the change they record.
 */
export async function writeTimelineEntries(ctx: Ctx, entries: readonly TimelineWrite[]): Promise<void> {
  const now = nowIso(ctx);
  const actor = actorId(ctx);
  for (let i = 0; i < entries.length; i += 500) {
    const rows: TimelineEntriesTable[] = entries.slice(i, i + 500).map((entry) => ({
      id: newId(),
      workspace_id: ctx.workspace.id,
      account_id: entry.accountId,
      type: entry.type,
      ...texts(entry),
      actor_id: actor,
      entity_type: entry.entityType ?? null,
      entity_id: entry.entityId ?? null,
      data: entry.data === undefined ? null : JSON.stringify(entry.data),
      occurred_at: entry.occurredAt ?? now,
      created_at: now,
    }));
    await ctx.db.insertInto('timeline_entries').values(rows).execute();
    await emitTimelineEvents(ctx, rows);
  }
}

/** Deletes the account's timeline with the account (accounts' deleteAccount, in its transaction). */
export async function deleteAccountTimeline(ctx: Ctx, accountId: string): Promise<void> {
  await ctx.db
    .deleteFrom('timeline_entries')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', accountId)
    .execute();
}

/** People's touches (notes, calls, meetings, emails) per account that happened in [from, to] (instants). */
export async function touchCounts(
  ctx: Ctx,
  range: { from: string; to: string },
): Promise<Map<string, number>> {
  const rows = await ctx.db
    .selectFrom('timeline_entries')
    .select(['account_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('type', 'in', [...NOTE_TYPES])
    .where('occurred_at', '>=', range.from)
    .where('occurred_at', '<=', range.to)
    .groupBy('account_id')
    .execute();
  return new Map(rows.map((r) => [r.account_id, Number(r.n)]));
}
