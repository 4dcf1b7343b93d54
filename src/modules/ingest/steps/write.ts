// write: the accepted events (account_id NULL = pending) and the rejected ones with their reason.
import { newId } from '../../../ids.ts';
import type { ResolvedEvent } from './resolve-identity.ts';
import { type BatchStep, ok } from './result.ts';

const CHUNK = 200;

export const writeStep: BatchStep<ResolvedEvent, ResolvedEvent> = {
  name: 'write',
  run: async ({ tx, dropped, counts }, events) => {
    const ws = tx.workspace.id;
    const ids = events.map(() => newId());
    const rows = events.map(({ value: e }, i) => ({
      id: ids[i]!,
      workspace_id: ws,
      message_id: e.messageId,
      source: e.source,
      type: e.type,
      event_name: e.eventName,
      user_key: e.userKey,
      user_id: e.userId,
      anonymous_id: e.anonymousId,
      account_id: e.accountId,
      group_external_id: e.groupExternalId,
      properties: JSON.stringify(e.properties),
      context: e.context ? JSON.stringify(e.context) : null,
      timestamp: e.timestamp,
      original_timestamp: e.originalTimestamp,
      sent_at: e.sentAt,
      received_at: e.receivedAt,
      day: e.day,
      count: e.count,
    }));
    for (let i = 0; i < rows.length; i += CHUNK)
      await tx.db
        .insertInto('events')
        .values(rows.slice(i, i + CHUNK))
        .execute();

    // Duplicates are not rejections: the event is stored already, the client's retry is fine.
    const rejected = dropped.filter((d) => d.reason !== 'duplicate');
    const rejectedRows = rejected.map((d) => ({
      id: newId(),
      workspace_id: ws,
      reason: d.reason,
      detail: d.detail,
      payload: truncatedJson(d.tag.raw),
      received_at: d.tag.receivedAt.toISOString(),
    }));
    for (let i = 0; i < rejectedRows.length; i += CHUNK)
      await tx.db
        .insertInto('rejected_events')
        .values(rejectedRows.slice(i, i + CHUNK))
        .execute();

    add(counts, 'accepted', events.length);
    add(counts, 'pending', events.filter((e) => e.value.accountId === null).length);
    add(counts, 'duplicate', dropped.length - rejected.length);
    for (const d of rejected) add(counts, `rejected:${d.reason}`, 1);
    return events.map((e, i) => ok({ ...e.value, eventId: ids[i] }));
  },
};

const add = (counts: Record<string, number>, name: string, n: number) => {
  counts[name] = (counts[name] ?? 0) + n;
};

function truncatedJson(v: unknown): string {
  const s = JSON.stringify(v) ?? 'null';
  return s.length > 64 * 1024 ? `${s.slice(0, 64 * 1024)}…` : s;
}
