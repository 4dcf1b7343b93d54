// Surveys sent by email. Each contact gets its own link to the survey page, /s/<token>: 24 random
// bytes, stored only as their SHA-256 (like API tokens), so the database never holds a usable link.
// The link is single use (answering sets answered_at with a conditional update: a second submit,
// or two at once, finds no row) and expires after the workspace's linkValidDays. A contact asked
// (sent or answered) within throttleDays is skipped and reported with the day they may be asked.
import { createHash, randomBytes } from 'node:crypto';
import { actorId, type Ctx, type Deps, inTransaction, systemCtx } from '../../context.ts';
import { invalid, invalidField } from '../../errors.ts';
import { type Locale, msg, render } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { sendMail } from '../../mail.ts';
import { nowIso } from '../../time.ts';
import { accountRefs, contactRefsOf, getAccountRef } from '../accounts/index.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { writeTimeline } from '../timeline/index.ts';
import { getWorkspace, toRef } from '../workspaces/index.ts';
import { writeResponse } from './responses.ts';
import { loadSurveySettings } from './settings.ts';
import { isThrottled, nextAskAt, SCALE, type SurveyKind } from './survey-maths.ts';
import { type SendResult, SendSurvey, type SurveyResponse } from './surveys.schemas.ts';
import type { SurveySendsTable } from './surveys.table.ts';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The latest instant each email was asked (a survey sent) or answered one, lower-cased emails. */
export async function lastAsked(ctx: Ctx, emails: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (emails.length === 0) return out;
  const keep = (email: string | null, at: string | null) => {
    if (!email || !at) return;
    const prev = out.get(email);
    if (!prev || at > prev) out.set(email, at);
  };
  for (let i = 0; i < emails.length; i += 500) {
    const batch = emails.slice(i, i + 500);
    const sent = await ctx.db
      .selectFrom('survey_sends')
      .select((eb) => ['contact_email', eb.fn.max('sent_at').as('at')])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('contact_email', 'in', batch)
      .groupBy('contact_email')
      .execute();
    for (const r of sent) keep(r.contact_email, r.at as string);
    const answered = await ctx.db
      .selectFrom('survey_responses')
      .select((eb) => ['contact_email', eb.fn.max('answered_at').as('at')])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('contact_email', 'in', batch)
      .groupBy('contact_email')
      .execute();
    for (const r of answered) keep(r.contact_email, r.at as string);
  }
  return out;
}

type Planned = { row: SurveySendsTable; token: string; name: string };

/**
 * Sends an NPS or CSAT survey to contacts of an account. The sends are recorded (and on the
 * timeline) in one transaction, then the emails go out; an SMTP failure marks that send
 * undelivered rather than undoing the others.
 */
export async function sendSurveys({
  ctx,
  input,
  origin,
}: {
  ctx: Ctx;
  input: SendSurvey;
  /** The server's address as the caller reached it; STEWARD_PUBLIC_URL wins when set. */
  origin: string;
}): Promise<SendResult> {
  const data = SendSurvey.parse(input);
  const account = await getAccountRef(ctx, data.accountId);
  await authorize(ctx, 'notes:write', account.id);
  const settings = await loadSurveySettings(ctx);
  const locale: Locale = data.locale ?? ctx.locale ?? 'en';
  const contacts = await contactRefsOf(ctx, [account.id]);
  let chosen = contacts;
  if (data.contactIds) {
    const byId = new Map(contacts.map((c) => [c.id, c]));
    data.contactIds.forEach((id, i) => {
      if (!byId.has(id)) throw invalidField(`contactIds.${i}`, msg('survey.error.noSuchContact'));
    });
    chosen = [...new Set(data.contactIds)].map((id) => byId.get(id)!);
  }
  const result: SendResult = { sent: [], skipped: [] };
  const withEmail = chosen.filter((c) => {
    if (c.email) return true;
    result.skipped.push({ contactId: c.id, email: null, reason: 'no_email', nextAskAt: null });
    return false;
  });
  if (!data.contactIds && withEmail.length === 0) throw invalid(msg('survey.error.nothingToSend'));
  const base = ctx.config.publicUrl ?? origin.replace(/\/$/, '');
  const company = (await getWorkspace(ctx, ctx.workspace.id)).name;
  const planned: Planned[] = [];
  await inTransaction(ctx, async (tx) => {
    const asked = await lastAsked(
      tx,
      withEmail.map((c) => c.email!.toLowerCase()),
    );
    const now = tx.now();
    for (const c of withEmail) {
      const email = c.email!.toLowerCase();
      const last = asked.get(email);
      if (isThrottled(last, now, settings.throttleDays)) {
        result.skipped.push({
          contactId: c.id,
          email,
          reason: 'throttled',
          nextAskAt: nextAskAt(last!, settings.throttleDays),
        });
        continue;
      }
      const token = `svy_${randomBytes(24).toString('base64url')}`;
      const row: SurveySendsTable = {
        id: newId(),
        workspace_id: tx.workspace.id,
        account_id: account.id,
        contact_id: c.id,
        contact_email: email,
        kind: data.kind,
        token_hash: hashToken(token),
        locale,
        sent_at: now.toISOString(),
        expires_at: new Date(now.getTime() + settings.linkValidDays * 86_400_000).toISOString(),
        sent_by: actorId(tx),
        delivered: 0,
        answered_at: null,
        response_id: null,
      };
      await tx.db.insertInto('survey_sends').values(row).execute();
      await writeTimeline(tx, {
        accountId: account.id,
        type: 'survey.sent',
        title: msg('survey.timeline.sent', {
          kind: msg(data.kind === 'nps' ? 'survey.kind.nps' : 'survey.kind.csat'),
          who: email,
        }),
        entityType: 'survey_send',
        entityId: row.id,
        data: { kind: data.kind, contactId: c.id },
      });
      await writeAudit(tx, {
        action: 'survey.sent',
        entityType: 'survey_send',
        entityId: row.id,
        after: { accountId: account.id, kind: data.kind, email },
      });
      planned.push({ row, token, name: c.name });
    }
  });
  for (const p of planned) {
    const link = `${base}/s/${p.token}`;
    const until = p.row.expires_at.slice(0, 10);
    let delivered = false;
    try {
      const sent = await sendMail(ctx, {
        to: p.row.contact_email,
        subject: render(locale, msg(`survey.mail.subject.${p.row.kind as SurveyKind}`, { company })),
        text: render(locale, msg('survey.mail.body', { name: p.name, link, until })),
      });
      delivered = sent.sent;
    } catch (error) {
      ctx.logger.warn({ err: error, sendId: p.row.id }, 'survey email failed');
    }
    if (delivered) {
      await ctx.db
        .updateTable('survey_sends')
        .set({ delivered: 1 })
        .where('workspace_id', '=', ctx.workspace.id)
        .where('id', '=', p.row.id)
        .execute();
    }
    result.sent.push({
      sendId: p.row.id,
      contactId: p.row.contact_id,
      email: p.row.contact_email,
      delivered,
    });
  }
  return result;
}

export type OpenLink = { status: 'open'; send: SurveySendsTable; ctx: Ctx; accountName: string };
export type SurveyLink =
  | { status: 'invalid' }
  | { status: 'expired' | 'used'; send: SurveySendsTable; ctx: Ctx; accountName: string }
  | OpenLink;

/**
 * What a survey link points at, for the public page (no signed-in user): the send and a system
 * context in its workspace. Unknown tokens and tokens of another shape are 'invalid'.
 */
export async function openSurveyLink(deps: Deps, token: string): Promise<SurveyLink> {
  if (!/^svy_[\w-]{32}$/.test(token)) return { status: 'invalid' };
  const send = await deps.db
    .selectFrom('survey_sends')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!send) return { status: 'invalid' };
  const workspace = await getWorkspace(deps, send.workspace_id);
  const ctx: Ctx = { ...systemCtx(deps, toRef(workspace), 'survey-page'), locale: send.locale as Locale };
  const account = (await accountRefs(ctx, [send.account_id])).get(send.account_id);
  if (!account) return { status: 'invalid' };
  if (send.answered_at) return { status: 'used', send, ctx, accountName: account.name };
  if (send.expires_at < nowIso(ctx)) return { status: 'expired', send, ctx, accountName: account.name };
  return { status: 'open', send, ctx, accountName: account.name };
}

/**
 * The answer from the survey page: claims the link (answered_at set only where it is still null
 * and unexpired) and records the response in the same transaction, so a link answers once.
 */
export async function answerSurvey(
  link: OpenLink,
  answer: { score: number; comment?: string },
): Promise<{ status: 'answered'; response: SurveyResponse } | { status: 'used' | 'expired' | 'bad_score' }> {
  const { send, ctx } = link;
  const kind = send.kind as SurveyKind;
  const scale = SCALE[kind];
  if (!Number.isInteger(answer.score) || answer.score < scale.min || answer.score > scale.max)
    return { status: 'bad_score' };
  const settings = await loadSurveySettings(ctx);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const claimed = await tx.db
      .updateTable('survey_sends')
      .set({ answered_at: now })
      .where('workspace_id', '=', send.workspace_id)
      .where('id', '=', send.id)
      .where('answered_at', 'is', null)
      .where('expires_at', '>=', now)
      .returning('id')
      .executeTakeFirst();
    if (!claimed) {
      const current = await tx.db
        .selectFrom('survey_sends')
        .select('answered_at')
        .where('id', '=', send.id)
        .executeTakeFirst();
      return { status: current?.answered_at ? ('used' as const) : ('expired' as const) };
    }
    const account = await getAccountRef(tx, send.account_id);
    const response = await writeResponse(
      tx,
      account,
      {
        kind,
        score: answer.score,
        comment: answer.comment?.trim() || null,
        contactEmail: send.contact_email,
        contactId: send.contact_id,
        answeredAt: now,
      },
      { source: 'email', sendId: send.id },
      settings,
    );
    await tx.db
      .updateTable('survey_sends')
      .set({ response_id: response.id })
      .where('workspace_id', '=', send.workspace_id)
      .where('id', '=', send.id)
      .execute();
    return { status: 'answered' as const, response };
  });
}
