// Recording NPS/CSAT answers: from the API, the CSV import and the public survey page. Each answer
// writes its row, an audit row and a timeline entry in one transaction; an NPS detractor (0-6)
// also gets a follow-up task for the account's CSM (the owner), through the tasks verb.
import { accountsChanged } from '../../account-changes.ts';
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { invalidField, notFound } from '../../errors.ts';
import { type Message, msg, render } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../../pagination.ts';
import { dayInZone, nowIso } from '../../time.ts';
import {
  type AccountRef,
  accountIdsByExternalId,
  accountRefs,
  contactRefsOf,
  findAccountRef,
  readableAccount,
} from '../accounts/index.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { createTask } from '../tasks/index.ts';
import { writeTimeline } from '../timeline/index.ts';
import { loadSurveySettings } from './settings.ts';
import { isDetractor, npsClass, type SurveyKind } from './survey-maths.ts';
import {
  ListResponses,
  RecordResponse,
  type SurveyResponse,
  type SurveySettings,
} from './surveys.schemas.ts';
import type { SurveyResponsesTable } from './surveys.table.ts';

type Row = SurveyResponsesTable;

export const responseRowToResponse = (r: Row, accountName: string): SurveyResponse => ({
  id: r.id,
  accountId: r.account_id,
  accountName,
  contactId: r.contact_id,
  contactEmail: r.contact_email,
  kind: r.kind as SurveyKind,
  score: Number(r.score),
  category: r.kind === 'nps' ? npsClass(Number(r.score)) : null,
  comment: r.comment,
  answeredAt: r.answered_at,
  answeredDay: r.answered_day,
  source: r.source as SurveyResponse['source'],
  taskId: r.task_id,
  createdAt: r.created_at,
});

export type ResponseOrigin = {
  source: 'email' | 'api' | 'import';
  sendId?: string;
  contactId?: string | null;
};

/** Who answered, for texts: the contact's email, else "a contact". */
const whoParam = (email: string | null): string | Message => email ?? msg('survey.anonymous');

/**
 * Writes one answer (already parsed, account resolved) with its timeline entry, audit row and,
 * for a detractor, the follow-up task. Call inside a transaction.
 */
export async function writeResponse(
  tx: Ctx,
  account: AccountRef,
  data: {
    kind: SurveyKind;
    score: number;
    comment: string | null;
    contactEmail: string | null;
    contactId: string | null;
    answeredAt: string;
  },
  origin: ResponseOrigin,
  settings: SurveySettings,
): Promise<SurveyResponse> {
  const now = nowIso(tx);
  const day = dayInZone(new Date(data.answeredAt), tx.workspace.timeZone);
  await accountsChanged(tx, [account.id], 'survey');
  const row: Row = {
    id: newId(),
    workspace_id: tx.workspace.id,
    account_id: account.id,
    contact_id: data.contactId,
    contact_email: data.contactEmail,
    kind: data.kind,
    score: data.score,
    comment: data.comment,
    answered_at: data.answeredAt,
    answered_day: day,
    source: origin.source,
    send_id: origin.sendId ?? null,
    recorded_by: actorId(tx),
    task_id: null,
    created_at: now,
  };
  const who = whoParam(data.contactEmail);
  const kindParam = msg(data.kind === 'nps' ? 'survey.kind.nps' : 'survey.kind.csat');
  if (settings.detractorTask && isDetractor(data.kind, data.score)) {
    const messages = {
      title: msg('survey.task.title', { who, score: String(data.score) }),
      description: msg('survey.task.description', {
        who,
        score: String(data.score),
        day,
        comment: data.comment ?? msg('survey.task.noComment'),
      }),
    };
    const task = await createTask({
      ctx: tx,
      input: {
        accountId: account.id,
        title: render('en', messages.title).slice(0, 200),
        description: render('en', messages.description).slice(0, 4000),
        type: 'risk',
        priority: 'P1',
        assignee: { role: 'owner' },
        dueInDays: 3,
      },
      messages,
    });
    row.task_id = task.id;
  }
  await tx.db.insertInto('survey_responses').values(row).execute();
  await writeTimeline(tx, {
    accountId: account.id,
    type: 'survey.response',
    title:
      data.kind === 'nps'
        ? msg('survey.timeline.answered', {
            kind: kindParam,
            score: String(data.score),
            who,
            category: msg(`survey.category.${npsClass(data.score)}`),
          })
        : msg('survey.timeline.answeredCsat', { kind: kindParam, score: String(data.score), who }),
    body: data.comment,
    entityType: 'survey_response',
    entityId: row.id,
    data: { kind: data.kind, score: data.score, source: origin.source, taskId: row.task_id },
    occurredAt: data.answeredAt,
  });
  await writeAudit(tx, {
    action: 'survey_response.created',
    entityType: 'survey_response',
    entityId: row.id,
    after: { accountId: account.id, kind: data.kind, score: data.score, source: origin.source },
  });
  return responseRowToResponse(row, account.name);
}

/** The account a response names (id or external id), readable by the caller, else a 400 naming the field. */
export async function resolveAccount(ctx: Ctx, input: { accountId?: string; accountExternalId?: string }) {
  if (input.accountId !== undefined) {
    const account = await findAccountRef(ctx, input.accountId);
    if (!account) throw invalidField('accountId', msg('survey.error.noAccount'));
    return account;
  }
  const id = (await accountIdsByExternalId(ctx, [input.accountExternalId!])).get(input.accountExternalId!);
  const account = id ? await findAccountRef(ctx, id) : undefined;
  if (!account) throw invalidField('accountExternalId', msg('survey.error.noAccount'));
  return account;
}

/** The contact of the account with this email (case-insensitive), if any. */
export async function contactIdByEmail(ctx: Ctx, accountId: string, email: string): Promise<string | null> {
  const lower = email.toLowerCase();
  const contacts = await contactRefsOf(ctx, [accountId], { withEmail: true });
  return contacts.find((c) => c.email!.toLowerCase() === lower)?.id ?? null;
}

/** POST /surveys/responses: an answer collected elsewhere (a form tool, a call, another system). */
export async function recordResponse({
  ctx,
  input,
  source = 'api',
}: {
  ctx: Ctx;
  input: RecordResponse;
  source?: 'api' | 'import';
}): Promise<SurveyResponse> {
  const data = RecordResponse.parse(input);
  const account = await resolveAccount(ctx, data);
  await authorize(ctx, 'notes:write', account.id);
  const now = ctx.now();
  if (data.answeredAt && new Date(data.answeredAt).getTime() > now.getTime() + 60_000) {
    throw invalidField('answeredAt', msg('survey.error.future'));
  }
  const settings = await loadSurveySettings(ctx);
  const email = data.contactEmail?.toLowerCase() ?? null;
  return inTransaction(ctx, async (tx) =>
    writeResponse(
      tx,
      account,
      {
        kind: data.kind,
        score: data.score,
        comment: data.comment?.trim() || null,
        contactEmail: email,
        contactId: email ? await contactIdByEmail(tx, account.id, email) : null,
        answeredAt: data.answeredAt ? new Date(data.answeredAt).toISOString() : now.toISOString(),
      },
      { source },
      settings,
    ),
  );
}

/** Answers, newest first, of the accounts the caller may read. */
export async function listResponses({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListResponses;
}): Promise<Page<SurveyResponse>> {
  await authorize(ctx, 'read');
  const q = ListResponses.parse(input);
  let query = ctx.db
    .selectFrom('survey_responses as r')
    .selectAll('r')
    .where('r.workspace_id', '=', ctx.workspace.id)
    .where(readableAccount(ctx, 'r.account_id'));
  if (q.accountId) query = query.where('r.account_id', '=', q.accountId);
  if (q.kind) query = query.where('r.kind', '=', q.kind);
  if (q.from) query = query.where('r.answered_day', '>=', q.from);
  if (q.to) query = query.where('r.answered_day', '<=', q.to);
  if (q.detractors === 'true') query = query.where('r.kind', '=', 'nps').where('r.score', '<=', 6);
  if (q.cursor) {
    const [at, id] = decodeCursor(q.cursor, ['string', 'string']) as [string, string];
    query = query.where((eb) =>
      eb.or([eb('r.answered_at', '<', at), eb.and([eb('r.answered_at', '=', at), eb('r.id', '<', id)])]),
    );
  }
  const rows = await query
    .orderBy('r.answered_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const names = await accountRefs(
    ctx,
    page.map((r) => r.account_id),
  );
  const last = page[page.length - 1];
  return {
    items: page.map((r) => responseRowToResponse(r, names.get(r.account_id)?.name ?? '')),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.answered_at, last.id]) : null,
  };
}

export async function getResponse({ ctx, id }: { ctx: Ctx; id: string }): Promise<SurveyResponse> {
  await authorize(ctx, 'read');
  const row = await ctx.db
    .selectFrom('survey_responses as r')
    .selectAll('r')
    .where('r.workspace_id', '=', ctx.workspace.id)
    .where('r.id', '=', id)
    .where(readableAccount(ctx, 'r.account_id'))
    .executeTakeFirst();
  if (!row) throw notFound(msg('entity.surveyResponse'), id);
  const account = (await accountRefs(ctx, [row.account_id])).get(row.account_id);
  return responseRowToResponse(row, account?.name ?? '');
}
