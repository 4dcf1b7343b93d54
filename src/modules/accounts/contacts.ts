import { type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { conflict, notFound } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, encodeCursor, Limit } from '../../pagination.ts';
import { nowIso } from '../../time.ts';
import { authorize } from '../auth/index.ts';
import { recordAccountChange, writeTimeline } from '../timeline/index.ts';
import type { ContactsTable } from './accounts.table.ts';
import { getAccountRow } from './accounts.ts';
import { readableAccount } from './refs.ts';
import { contactSearchText } from './search-keys.ts';

export const CONTACT_ROLES = [
  'decision_maker',
  'economic_buyer',
  'champion',
  'influencer',
  'admin',
  'user',
  'other',
] as const;

export const Contact = z.object({
  id: z.string(),
  accountId: z.string(),
  externalUserId: z.string().nullable(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  title: z.string().nullable(),
  role: z.enum(CONTACT_ROLES).nullable(),
  wechatId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof Contact>;

export const contactRowToContact = (r: ContactsTable): Contact => ({
  id: r.id,
  accountId: r.account_id,
  externalUserId: r.external_user_id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  title: r.title,
  role: r.role as Contact['role'],
  wechatId: r.wechat_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

const contactFields = {
  externalUserId: z.string().trim().min(1).max(200).nullable().optional(),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320).nullable().optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{5,30}$/, 'must be a phone number: digits, spaces, ( ) - and an optional leading +')
    .nullable()
    .optional(),
  title: optionalText(200),
  role: z.enum(CONTACT_ROLES).nullable().optional(),
  wechatId: z
    .string()
    .trim()
    .regex(
      /^[a-zA-Z][-_a-zA-Z0-9]{5,19}$/,
      'must be a WeChat id: 6-20 letters, digits, - or _, starting with a letter',
    )
    .nullable()
    .optional(),
};

export const CreateContact = z.object({ accountId: z.string().min(1), ...contactFields });
export type CreateContact = z.input<typeof CreateContact>;

export const UpdateContact = z.object({ accountId: z.string().min(1), ...contactFields }).partial();
export type UpdateContact = z.input<typeof UpdateContact>;

const editable = (c: Contact) => {
  const { createdAt: _c, updatedAt: _u, ...rest } = c;
  return rest;
};

const duplicateUserId = (id: string | null | undefined) =>
  conflict(msg('contacts.error.externalUserIdTaken', { id: id ?? null }));

export async function createContact({ ctx, input }: { ctx: Ctx; input: CreateContact }): Promise<Contact> {
  const data = CreateContact.parse(input);
  return inTransaction(ctx, async (tx) => {
    await getAccountRow(tx, data.accountId);
    await authorize(tx, 'contacts:write', data.accountId);
    const now = nowIso(tx);
    const row: ContactsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      account_id: data.accountId,
      external_user_id: data.externalUserId ?? null,
      name: data.name,
      email: data.email?.toLowerCase() ?? null,
      phone: data.phone ?? null,
      title: data.title ?? null,
      role: data.role ?? null,
      wechat_id: data.wechatId ?? null,
      search_text: contactSearchText({
        name: data.name,
        email: data.email?.toLowerCase() ?? null,
        phone: data.phone ?? null,
        wechatId: data.wechatId ?? null,
      }),
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('contacts').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateUserId(data.externalUserId);
      throw error;
    }
    const contact = contactRowToContact(row);
    await recordAccountChange(tx, {
      accountId: contact.accountId,
      entityType: 'contact',
      entityId: contact.id,
      action: 'created',
      title: msg('event.contactAdded', { name: contact.name }),
      after: editable(contact),
    });
    return contact;
  });
}

async function getContactRow(ctx: Ctx, id: string) {
  const row = await ctx.db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .where(readableAccount(ctx, 'contacts.account_id'))
    .executeTakeFirst();
  if (!row) throw notFound('Contact', id);
  return row;
}

export async function getContact({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'read');
  return contactRowToContact(await getContactRow(ctx, id));
}

export async function updateContact({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateContact }) {
  const data = UpdateContact.parse(input);
  return inTransaction(ctx, async (tx) => {
    const beforeRow = await getContactRow(tx, id);
    await authorize(tx, 'contacts:write', beforeRow.account_id);
    if (data.accountId && data.accountId !== beforeRow.account_id) {
      await getAccountRow(tx, data.accountId);
      await authorize(tx, 'contacts:write', data.accountId);
    }
    let afterRow: ContactsTable;
    try {
      afterRow = await tx.db
        .updateTable('contacts')
        .set({
          account_id: data.accountId,
          external_user_id: data.externalUserId,
          name: data.name,
          email: data.email === undefined ? undefined : (data.email?.toLowerCase() ?? null),
          phone: data.phone,
          title: data.title,
          role: data.role,
          wechat_id: data.wechatId,
          search_text: contactSearchText({
            name: data.name ?? beforeRow.name,
            email: data.email === undefined ? beforeRow.email : (data.email?.toLowerCase() ?? null),
            phone: data.phone === undefined ? beforeRow.phone : data.phone,
            wechatId: data.wechatId === undefined ? beforeRow.wechat_id : data.wechatId,
          }),
          updated_at: nowIso(tx),
        })
        .where('workspace_id', '=', tx.workspace.id)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateUserId(data.externalUserId);
      throw error;
    }
    const before = contactRowToContact(beforeRow);
    const after = contactRowToContact(afterRow);
    await recordAccountChange(tx, {
      accountId: after.accountId,
      entityType: 'contact',
      entityId: id,
      action: 'updated',
      title: msg('event.contactUpdated', { name: after.name }),
      before: editable(before),
      after: editable(after),
    });
    // A contact moved to another account leaves a trace on the account it left, too.
    if (after.accountId !== before.accountId) {
      await writeTimeline(tx, {
        accountId: before.accountId,
        type: 'contact.moved',
        title: msg('event.contactMoved', { name: after.name }),
        entityType: 'contact',
        entityId: id,
        data: { changes: { accountId: [before.accountId, after.accountId] } },
      });
    }
    return after;
  });
}

export async function deleteContact({ ctx, id }: { ctx: Ctx; id: string }) {
  await inTransaction(ctx, async (tx) => {
    const row = await getContactRow(tx, id);
    await authorize(tx, 'contacts:write', row.account_id);
    await tx.db
      .deleteFrom('contacts')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    const before = contactRowToContact(row);
    await recordAccountChange(tx, {
      accountId: row.account_id,
      entityType: 'contact',
      entityId: id,
      action: 'deleted',
      title: msg('event.contactRemoved', { name: row.name }),
      before: editable(before),
    });
  });
}

export const ListContacts = z.object({
  accountId: z.string().optional(),
  externalUserId: z.string().optional(),
  email: z.string().optional(),
  role: z.enum(CONTACT_ROLES).optional(),
  q: z.string().trim().max(200).optional(),
  cursor: z.string().optional(),
  limit: Limit,
});
export type ListContacts = z.output<typeof ListContacts>;

export async function listContacts({ ctx, input }: { ctx: Ctx; input: ListContacts }) {
  await authorize(ctx, 'read');
  const q = input;
  let query = ctx.db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where(readableAccount(ctx, 'contacts.account_id'));
  if (q.accountId) query = query.where('account_id', '=', q.accountId);
  if (q.externalUserId) query = query.where('external_user_id', '=', q.externalUserId);
  if (q.email) query = query.where('email', '=', q.email.toLowerCase());
  if (q.role) query = query.where('role', '=', q.role);
  if (q.q) {
    // % and _ are literal, as in the account search.
    const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    query = query.where(
      () => sql<SqlBool>`(lower(name) like ${like} escape '\\' or email like ${like} escape '\\')`,
    );
  }
  if (q.cursor) {
    const [name, id] = decodeCursor(q.cursor, ['string', 'string']) as [string, string];
    query = query.where((eb) =>
      eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]),
    );
  }
  const rows = await query
    .orderBy('name')
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(contactRowToContact),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.name, last.id]) : null,
  };
}
