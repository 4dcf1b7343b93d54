// Support tickets: one row per help-desk ticket, created or updated by its external id (the
// webhook, the CSV import and the demo all call upsertTicket), with what matters to an account's
// health on its timeline: opened, solved, escalated, rated low. Entries are dated when it happened
// at the help desk, so an import of last year's tickets fills the timeline without sending events.
import { accountsChanged } from '../../account-changes.ts';
import { type Ctx, inTransaction } from '../../context.ts';
import { invalid, invalidField } from '../../errors.ts';
import { type Message, msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, encodeCursor } from '../../pagination.ts';
import { addDays, dayStart, nowIso, today } from '../../time.ts';
import { accountIdsByExternalId, getAccountRef, readableAccount } from '../accounts/index.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { writeTimeline } from '../timeline/index.ts';
import {
  type ListAccountTickets,
  LOW_SATISFACTION,
  OPEN_TICKET_STATUSES,
  type Ticket,
  type TicketStatus,
  UpsertTicket,
} from './support.schemas.ts';
import type { SupportTicketsTable } from './support.table.ts';
import { median } from './ticket-facts.ts';

export const ticketRowToTicket = (r: SupportTicketsTable): Ticket => ({
  id: r.id,
  externalId: r.external_id,
  accountId: r.account_id,
  subject: r.subject,
  status: r.status as TicketStatus,
  priority: r.priority as Ticket['priority'],
  channel: r.channel as Ticket['channel'],
  requesterEmail: r.requester_email,
  requesterName: r.requester_name,
  openedAt: r.opened_at,
  firstResponseAt: r.first_response_at,
  solvedAt: r.solved_at,
  satisfaction: r.satisfaction,
  escalated: r.escalated === 1,
  updatedAt: r.updated_at,
});

const isOpen = (s: string) => (OPEN_TICKET_STATUSES as readonly string[]).includes(s);

/** An instant as ISO UTC, or a 400 naming the field and the value. */
function instant(path: string, value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const t = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) throw invalidField(path, msg('ticket.error.badTime', { value }));
  return new Date(t).toISOString();
}

export type UpsertResult = { ticket: Ticket; created: boolean };

type ParsedTicket = ReturnType<typeof UpsertTicket.parse>;
type TicketTimes = {
  opened: string | null | undefined;
  firstResponse: string | null | undefined;
  solved: string | null | undefined;
};

/** The stored row an upsert makes of `before` (or nothing) and the ticket as sent: fields left out keep their value. */
function nextTicketRow(
  before: SupportTicketsTable | undefined,
  data: ParsedTicket,
  times: TicketTimes,
  at: { accountId: string; workspaceId: string; now: string },
): SupportTicketsTable {
  const { now } = at;
  const status = data.status ?? (before?.status as TicketStatus | undefined) ?? 'new';
  // Solved: the given time, else the one already known, else now; reopened: not solved.
  const solvedAt = isOpen(status) ? null : (times.solved ?? before?.solved_at ?? now);
  return {
    id: before?.id ?? newId(),
    workspace_id: at.workspaceId,
    external_id: data.externalId,
    account_id: at.accountId,
    requester_email:
      data.requesterEmail === undefined ? (before?.requester_email ?? null) : data.requesterEmail,
    requester_name: data.requesterName === undefined ? (before?.requester_name ?? null) : data.requesterName,
    subject: data.subject ?? before!.subject,
    status,
    priority: data.priority ?? before?.priority ?? 'normal',
    channel: data.channel === undefined ? (before?.channel ?? null) : data.channel,
    opened_at: times.opened ?? before?.opened_at ?? now,
    first_response_at:
      times.firstResponse === undefined ? (before?.first_response_at ?? null) : times.firstResponse,
    solved_at: solvedAt,
    satisfaction: data.satisfaction === undefined ? (before?.satisfaction ?? null) : data.satisfaction,
    escalated: data.escalated === undefined ? (before?.escalated ?? 0) : data.escalated ? 1 : 0,
    created_at: before?.created_at ?? now,
    updated_at: now,
  };
}

/**
 * Would upserting `input` (times ISO with an offset) on account `accountId` leave the stored ticket
 * as it is? The import leaves such rows alone, so a re-import changes nothing (no audit row, no
 * updated time).
 */
export function ticketUnchanged(
  before: SupportTicketsTable,
  input: UpsertTicket,
  accountId: string,
): boolean {
  const data = UpsertTicket.parse(input);
  const times = {
    opened: instant('createdAt', data.createdAt),
    firstResponse: instant('firstResponseAt', data.firstResponseAt),
    solved: instant('solvedAt', data.solvedAt),
  };
  const next = nextTicketRow(before, data, times, {
    accountId,
    workspaceId: before.workspace_id,
    now: before.updated_at,
  });
  return (Object.keys(next) as (keyof SupportTicketsTable)[]).every(
    (k) => k === 'updated_at' || next[k] === before[k],
  );
}

/** The workspace's stored tickets with these external ids (the import's plan). */
export async function ticketsByExternalId(
  ctx: Ctx,
  externalIds: Iterable<string>,
): Promise<Map<string, SupportTicketsTable>> {
  const ids = [...new Set(externalIds)];
  const out = new Map<string, SupportTicketsTable>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await ctx.db
      .selectFrom('support_tickets')
      .selectAll()
      .where('workspace_id', '=', ctx.workspace.id)
      .where('external_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.external_id, r);
  }
  return out;
}

/** Creates or updates one ticket by external id, in the caller's transaction when there is one. */
export async function upsertTicket({ ctx, input }: { ctx: Ctx; input: UpsertTicket }): Promise<UpsertResult> {
  const data = UpsertTicket.parse(input);
  const times = {
    opened: instant('createdAt', data.createdAt),
    firstResponse: instant('firstResponseAt', data.firstResponseAt),
    solved: instant('solvedAt', data.solvedAt),
  };
  return inTransaction(ctx, async (tx) => {
    let accountId = data.accountId;
    if (accountId === undefined) {
      accountId = (await accountIdsByExternalId(tx, [data.accountExternalId!])).get(data.accountExternalId!);
      if (!accountId)
        throw invalid(msg('ticket.error.noAccount', { account: data.accountExternalId! }), {
          issues: [
            {
              path: 'accountExternalId',
              message: msg('ticket.error.noAccount', { account: data.accountExternalId! }),
            },
          ],
        });
    }
    const account = await getAccountRef(tx, accountId);
    await authorize(tx, 'tickets:write', account.id);
    await accountsChanged(tx, [account.id], 'ticket');
    const before = await tx.db
      .selectFrom('support_tickets')
      .selectAll()
      .where('workspace_id', '=', tx.workspace.id)
      .where('external_id', '=', data.externalId)
      .executeTakeFirst();
    const now = nowIso(tx);
    if (!before && !data.subject) throw invalidField('subject', msg('ticket.error.subjectRequired'));
    const row = nextTicketRow(before, data, times, {
      accountId: account.id,
      workspaceId: tx.workspace.id,
      now,
    });
    if (before) {
      const { id: _, workspace_id: __, created_at: ___, ...set } = row;
      await tx.db
        .updateTable('support_tickets')
        .set(set)
        .where('workspace_id', '=', tx.workspace.id)
        .where('id', '=', row.id)
        .execute();
    } else await tx.db.insertInto('support_tickets').values(row).execute();

    const ref = `#${row.external_id}`;
    const entries: { type: string; title: Message; at: string }[] = [];
    if (!before)
      entries.push({
        type: 'ticket.created',
        title: msg('ticket.created', { ref, subject: row.subject }),
        at: row.opened_at,
      });
    if (row.solved_at && (!before || before.solved_at === null))
      entries.push({
        type: 'ticket.solved',
        title: msg('ticket.solved', { ref, subject: row.subject }),
        at: row.solved_at,
      });
    if (row.escalated === 1 && before?.escalated !== 1)
      entries.push({
        type: 'ticket.escalated',
        title: msg('ticket.escalated', { ref, subject: row.subject }),
        at: before ? now : row.opened_at,
      });
    if (
      row.satisfaction !== null &&
      row.satisfaction <= LOW_SATISFACTION &&
      before?.satisfaction !== row.satisfaction
    )
      entries.push({
        type: 'ticket.low_satisfaction',
        title: msg('ticket.lowSatisfaction', { ref, subject: row.subject, score: row.satisfaction }),
        at: before ? now : (row.solved_at ?? row.opened_at),
      });
    for (const e of entries)
      await writeTimeline(tx, {
        accountId: account.id,
        type: e.type,
        title: e.title,
        entityType: 'ticket',
        entityId: row.id,
        data: {
          externalId: row.external_id,
          status: row.status,
          priority: row.priority,
          satisfaction: row.satisfaction,
        },
        occurredAt: e.at > now ? now : e.at,
      });
    const ticket = ticketRowToTicket(row);
    await writeAudit(tx, {
      action: before ? 'ticket.updated' : 'ticket.created',
      entityType: 'ticket',
      entityId: row.id,
      before: before ? ticketRowToTicket(before) : undefined,
      after: ticket,
    });
    return { ticket, created: !before };
  });
}

/** Several tickets in one transaction (the webhook's batch form): all or none. */
export async function upsertTickets({ ctx, input }: { ctx: Ctx; input: readonly UpsertTicket[] }) {
  return inTransaction(ctx, async (tx) => {
    const out: UpsertResult[] = [];
    for (const [i, t] of input.entries()) {
      try {
        out.push(await upsertTicket({ ctx: tx, input: t }));
      } catch (e) {
        // Name the ticket in the batch: tickets.3.accountExternalId
        const details = (e as { details?: { issues?: { path: string }[] } }).details;
        if (details?.issues) for (const issue of details.issues) issue.path = `tickets.${i}.${issue.path}`;
        throw e;
      }
    }
    return out;
  });
}

/** An account's tickets, newest first. */
export async function listAccountTickets({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: ListAccountTickets;
}) {
  await authorize(ctx, 'read');
  const account = await getAccountRef(ctx, accountId);
  let q = ctx.db
    .selectFrom('support_tickets')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', account.id)
    .where(readableAccount(ctx, 'support_tickets.account_id'));
  if (input.status === 'open') q = q.where('status', 'in', [...OPEN_TICKET_STATUSES]);
  if (input.status === 'solved') q = q.where('status', 'not in', [...OPEN_TICKET_STATUSES]);
  if (input.cursor) {
    const [at, id] = decodeCursor(input.cursor, ['string', 'string']) as [string, string];
    q = q.where((eb) =>
      eb.or([eb('opened_at', '<', at), eb.and([eb('opened_at', '=', at), eb('id', '<', id)])]),
    );
  }
  const rows = await q
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(ticketRowToTicket),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.opened_at, last.id]) : null,
  };
}

/** The Tickets tab's figures: the same windows as the facts, as of today. */
export async function accountTicketSummary({ ctx, accountId }: { ctx: Ctx; accountId: string }) {
  await authorize(ctx, 'read');
  const account = await getAccountRef(ctx, accountId);
  const zone = ctx.workspace.timeZone;
  const day = today(ctx);
  const end = dayStart(addDays(day, 1), zone);
  const from30 = dayStart(addDays(day, -29), zone);
  const from90 = dayStart(addDays(day, -89), zone);
  const rows = await ctx.db
    .selectFrom('support_tickets')
    .select(['status', 'opened_at', 'solved_at', 'satisfaction', 'escalated'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', account.id)
    .execute();
  const solved90 = rows.filter((r) => r.solved_at && r.solved_at >= from90 && r.solved_at < end);
  const rated = solved90.filter((r) => r.satisfaction !== null);
  const opened = (from: string) => rows.filter((r) => r.opened_at >= from && r.opened_at < end);
  return {
    open: rows.filter((r) => r.opened_at < end && (r.solved_at === null || r.solved_at >= end)).length,
    last30d: opened(from30).length,
    last90d: opened(from90).length,
    medianResolutionHours90d: median(
      solved90.map((r) => (Date.parse(r.solved_at!) - Date.parse(r.opened_at)) / 3600_000),
    ),
    escalations90d: opened(from90).filter((r) => r.escalated === 1).length,
    satisfaction90d: rated.length
      ? Math.round((rated.reduce((s, r) => s + r.satisfaction!, 0) / rated.length) * 100) / 100
      : null,
  };
}

/** Does the workspace have any ticket? (The default health model adds its support dimension then.) */
export async function workspaceHasTickets(ctx: Ctx): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('support_tickets')
    .select('id')
    .where('workspace_id', '=', ctx.workspace.id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
