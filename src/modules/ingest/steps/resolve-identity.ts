// resolve-identity: which account each event belongs to. Never drops: an event whose account is
// not known yet is stored pending (account_id NULL) and attached later (see attach-pending.ts).
import { sql } from 'kysely';
import type { Ctx } from '../../../context.ts';
import { parseJson } from '../../../db/dialect.ts';
import { AppError } from '../../../errors.ts';
import {
  accountIdsByExternalId,
  createAccount,
  createContact,
  findContactByExternalUserId,
  updateAccount,
  updateContact,
} from '../../accounts/index.ts';
import type { IngestSettings } from '../settings.ts';
import { type BatchStep, ok } from './result.ts';
import type { ValidEvent } from './validate.ts';

const CHUNK = 400;

export type ResolvedEvent = ValidEvent & {
  accountId: string | null;
  /** The stored row's id, once the write step has stored it. */
  eventId?: string;
};

export const resolveIdentityStep: BatchStep<ValidEvent, ResolvedEvent> = {
  name: 'resolve-identity',
  run: async ({ tx, settings }, events) => {
    const resolved = await resolveIdentity(
      tx,
      events.map((e) => e.value),
      settings,
    );
    return events.map(({ value }) => ok({ ...value, accountId: resolved.get(value.messageId) ?? null }));
  },
};

/**
 * resolve-identity: the account of each event (its groupId, else its user's group membership);
 * identify upserts the person's traits (and their contact once the account is known); group links
 * the user to the account, creating the account if it is new and copying mapped traits onto it.
 */
async function resolveIdentity(
  ctx: Ctx,
  events: readonly ValidEvent[],
  settings: IngestSettings,
): Promise<Map<string, string | null>> {
  const ws = ctx.workspace.id;
  const groupIds = [...new Set(events.map((e) => e.groupExternalId).filter((g): g is string => !!g))];
  const userKeys = [
    ...new Set(events.flatMap((e) => [e.userKey, e.previousId]).filter((u): u is string => !!u)),
  ];
  const accounts = await accountIdsByExternalId(ctx, groupIds);
  const identities = new Map<
    string,
    { account_id: string | null; group_external_id: string | null; traits: string; last_seen_at: string }
  >();
  for (let i = 0; i < userKeys.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('identities')
      .select(['user_key', 'account_id', 'group_external_id', 'traits', 'last_seen_at'])
      .where('workspace_id', '=', ws)
      .where('user_key', 'in', userKeys.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) identities.set(r.user_key, r);
  }

  const resolved = new Map<string, string | null>();
  const touched = new Map<
    string,
    {
      account_id: string | null;
      group_external_id: string | null;
      traits: Record<string, unknown>;
      first: string;
      at: string;
    }
  >();
  const touch = (key: string, at: string) => {
    let t = touched.get(key);
    if (!t) {
      const known = identities.get(key);
      t = {
        account_id: known?.account_id ?? null,
        group_external_id: known?.group_external_id ?? null,
        traits: parseJson<Record<string, unknown>>(known?.traits, {}),
        first: at,
        at,
      };
      touched.set(key, t);
    }
    if (at > t.at) t.at = at;
    if (at < t.first) t.first = at;
    return t;
  };

  /** People a PostHog $groups link moved to an account in this batch (their contact follows). */
  const linkedNow = new Set<string>();
  // Events are applied in time order so a group call earlier in the batch links later events.
  const ordered = [...events].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  for (const e of ordered) {
    const person = e.userKey ? touch(e.userKey, e.timestamp) : undefined;
    if ((e.type === 'group' || e.linksGroup) && e.groupExternalId) {
      let accountId = accounts.get(e.groupExternalId);
      // A $groups link carries person traits, never the account's: it only creates a new account.
      if (e.type === 'group' || !accountId)
        accountId = await upsertGroupAccount(
          ctx,
          e.type === 'group' ? e : { ...e, traits: null },
          accountId,
          settings,
        );
      accounts.set(e.groupExternalId, accountId);
      if (person && person.account_id !== accountId && e.userId && e.linksGroup) linkedNow.add(e.userId);
      if (person) {
        person.account_id = accountId;
        person.group_external_id = e.groupExternalId;
      }
    }
    // alias, and posthog-js's $identify carrying the anonymous id it used before ($anon_distinct_id).
    if ((e.type === 'alias' || e.type === 'identify') && e.previousId && person) {
      const previous = touch(e.previousId, e.timestamp);
      person.account_id ??= previous.account_id;
      person.group_external_id ??= previous.group_external_id;
      person.traits = { ...previous.traits, ...person.traits };
    }
    // PostHog's $set / $set_once ride on any event of the person.
    const personTraits = e.type === 'identify' || (e.source === 'posthog' && e.type !== 'group');
    if (personTraits && person && e.traits) person.traits = { ...person.traits, ...e.traits };
    const accountId = e.groupExternalId
      ? (accounts.get(e.groupExternalId) ?? null)
      : (person?.account_id ?? null);
    resolved.set(e.messageId, accountId);
  }

  // A known person whose calls changed nothing but the time, still within the minute stored, is
  // not rewritten: most batches are track calls of known people, and rewriting each one's row was
  // a third of the pages a batch wrote. last_seen_at never moves back (historical imports).
  const minute = (iso: string) => iso.slice(0, 16);
  const rows = [...touched.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([user_key, t]) => {
      const known = identities.get(user_key);
      const traits = JSON.stringify(t.traits);
      const lastSeen = known && known.last_seen_at > t.at ? known.last_seen_at : t.at;
      const unchanged =
        known &&
        known.account_id === t.account_id &&
        known.group_external_id === t.group_external_id &&
        known.traits === traits &&
        minute(lastSeen) === minute(known.last_seen_at);
      if (unchanged) return [];
      return [
        {
          workspace_id: ws,
          user_key,
          account_id: t.account_id,
          group_external_id: t.group_external_id,
          traits,
          first_seen_at: t.first,
          last_seen_at: lastSeen,
        },
      ];
    });
  for (let i = 0; i < rows.length; i += CHUNK) {
    await ctx.db
      .insertInto('identities')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'user_key']).doUpdateSet((eb) => ({
          account_id: eb.ref('excluded.account_id'),
          group_external_id: eb.ref('excluded.group_external_id'),
          traits: eb.ref('excluded.traits'),
          last_seen_at: eb.ref('excluded.last_seen_at'),
        })),
      )
      .execute();
  }
  // Contacts follow people who identified themselves (have traits) and belong to a known account;
  // once per person per batch, after all their calls in it are applied.
  const people = new Set([
    ...ordered.filter((e) => (e.type === 'identify' || e.type === 'group') && e.userId).map((e) => e.userId!),
    ...linkedNow,
  ]);
  for (const userId of people) {
    const t = touched.get(userId);
    if (!t?.account_id || Object.keys(t.traits).length === 0) continue;
    try {
      await upsertContact(ctx, userId, t.account_id, t.traits);
    } catch (error) {
      // Traits a contact cannot take (an address the contact rules refuse) must not fail the
      // batch: the events and the person's traits are stored, the contact is left as it was.
      if (!(error instanceof AppError && error.code === 'validation_failed')) throw error;
      ctx.logger.warn({ err: error, userId }, 'person traits not applied to the contact');
    }
  }
  return resolved;
}

async function upsertGroupAccount(
  ctx: Ctx,
  e: ValidEvent,
  accountId: string | undefined,
  settings: IngestSettings,
) {
  const traits = e.traits ?? {};
  const input: Record<string, unknown> = {};
  const customFields: Record<string, unknown> = {};
  for (const [trait, field] of Object.entries(settings.groupTraitMap)) {
    const v = traits[trait];
    if (v === undefined || v === null || v === '') continue;
    if (field.startsWith('cf.')) customFields[field.slice(3)] = v;
    else if (field === 'licensedSeats') {
      if (Number.isInteger(Number(v)) && Number(v) >= 0) input.licensedSeats = Number(v);
    } else input[field] = String(v);
  }
  if (Object.keys(customFields).length) input.customFields = customFields;
  const system: Ctx = { ...ctx, actor: { kind: 'system', name: 'ingest' } };
  if (!accountId) {
    const base = { name: e.groupExternalId!, externalId: e.groupExternalId! };
    const created = await unlessCreatedConcurrently(ctx, async () => {
      try {
        return (await createAccount({ ctx: system, input: { ...base, ...input } as never })).id;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'validation_failed')) throw error;
        ctx.logger.warn(
          { err: error, groupId: e.groupExternalId },
          'group traits not applied to the new account',
        );
        return (await createAccount({ ctx: system, input: base })).id;
      }
    });
    if (created) return created;
    // A concurrent batch created it first: from here on it is an existing account.
    const winner = (await accountIdsByExternalId(ctx, [e.groupExternalId!])).get(e.groupExternalId!);
    if (!winner) throw new Error(`account ${e.groupExternalId} was created concurrently but is not found`);
    accountId = winner;
  }
  // An existing account keeps its name unless the workspace lets write keys rename accounts.
  if (!settings.writeKeyRenames) delete input.name;
  if (Object.keys(input).length) {
    // Traits a client sends that do not fit (e.g. an undefined custom field) must not fail the batch.
    try {
      await updateAccount({ ctx: system, id: accountId, input: input as never });
    } catch (error) {
      // A database error (deadlock, lost connection) is not about the traits: the batch fails and
      // is retried. On PostgreSQL the transaction could not go on after one anyway.
      if (!(error instanceof AppError)) throw error;
      ctx.logger.warn({ err: error, groupId: e.groupExternalId }, 'group traits not applied');
    }
  }
  return accountId;
}

async function upsertContact(ctx: Ctx, userId: string, accountId: string, traits: Record<string, unknown>) {
  const text = (k: string) =>
    typeof traits[k] === 'string' && (traits[k] as string).trim() ? (traits[k] as string).trim() : undefined;
  const email = text('email');
  const phone = text('phone');
  const fullName =
    text('name') ?? ([text('firstName'), text('lastName')].filter(Boolean).join(' ') || undefined);
  // Only what the traits say: a contact a CSM entered keeps fields the product does not send.
  const fields = {
    ...(fullName ? { name: fullName } : {}),
    ...(email && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) ? { email } : {}),
    ...(text('title') ? { title: text('title') } : {}),
    ...(phone && /^\+?[0-9 ()-]{5,30}$/.test(phone) ? { phone } : {}),
  };
  const system: Ctx = { ...ctx, actor: { kind: 'system', name: 'ingest' } };
  const find = () => findContactByExternalUserId(ctx, userId);
  let existing = await find();
  if (!existing) {
    const created = await unlessCreatedConcurrently(ctx, () =>
      createContact({
        ctx: system,
        input: { name: email ?? userId, ...fields, accountId, externalUserId: userId },
      }),
    );
    if (created) return;
    existing = await find();
  }
  if (existing) await updateContact({ ctx: system, id: existing.id, input: { ...fields, accountId } });
}

/**
 * Creates a row under a savepoint. On PostgreSQL two batches can name the same new account or
 * person at once; the loser's insert hits the unique key (the verbs answer 'conflict'). Rolling back
 * to the savepoint keeps the batch's transaction usable, and undefined tells the caller to read the
 * winner's row and carry on, so neither batch fails (a 409 would be dropped by the clients).
 * Savepoint syntax is the same on both engines.
 */
async function unlessCreatedConcurrently<T>(ctx: Ctx, create: () => Promise<T>): Promise<T | undefined> {
  await sql`savepoint ingest_create`.execute(ctx.db);
  try {
    const value = await create();
    await sql`release savepoint ingest_create`.execute(ctx.db);
    return value;
  } catch (error) {
    await sql`rollback to savepoint ingest_create`.execute(ctx.db);
    await sql`release savepoint ingest_create`.execute(ctx.db);
    if (error instanceof AppError && error.code === 'conflict') return undefined;
    throw error;
  }
}
