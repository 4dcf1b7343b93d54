import { sql } from 'kysely';
import { type Ctx, inTransaction } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { createAccount, createContact, updateAccount, updateContact } from '../accounts/index.ts';
import { applyRollups, loadFeatures, loadMetrics, type RollupEvent } from '../metrics/index.ts';
import type { Candidate } from './normalize.ts';
import { type DropReason, dedupBatch, type ValidEvent, validate } from './pipeline.ts';
import { type IngestSettings, loadIngestSettings } from './settings.ts';
import type { JobOutcome } from './write-queue.ts';

export type BatchResult = {
  accepted: number;
  duplicates: number;
  pending: number;
  rejected: { index: number; reason: DropReason; detail: string }[];
};

const CHUNK = 400;

/**
 * Runs a batch through validate -> dedup -> resolve-identity -> write. Everything the batch changes
 * (events, dedup ids, identities, accounts and contacts from group/identify, rollups, rejected
 * events and counters) commits in one transaction, so a 2xx means all of it is durable and a
 * failure leaves nothing behind for the client's retry to collide with.
 */
export async function ingestBatch(ctx: Ctx, candidates: Candidate[], receivedAt: Date): Promise<BatchResult> {
  return (await ingestBatchesOfWorkspace(ctx, [{ candidates, receivedAt }]))[0]!;
}

type Incoming = { candidates: Candidate[]; receivedAt: Date };

/**
 * One turn of the event loop. better-sqlite3 answers synchronously, so without these a group of a
 * few thousand events would run as one stretch and the server would neither accept connections nor
 * read requests until it commits (a 10 s p99 under 50 connections). Between pipeline steps.
 */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The pipeline for several batches of one workspace at once. Each batch is validated and deduped on
 * its own and gets its own result; then their events go through dedup against the store,
 * resolve-identity, write and the rollups together, as one larger batch (a messageId in two of them
 * counts for the first). Per-batch fixed work (settings, definitions, one statement per table)
 * is paid once.
 */
async function ingestBatchesOfWorkspace(ctx: Ctx, batches: Incoming[]): Promise<BatchResult[]> {
  const settings = await loadIngestSettings(ctx);
  const parts = batches.map(({ candidates, receivedAt }) => {
    const env = {
      receivedAt,
      maxFutureMs: settings.maxFutureHours * 3_600_000,
      timeZone: ctx.workspace.timeZone,
    };
    const rejected: BatchResult['rejected'] = [];
    const valid: ValidEvent[] = [];
    candidates.forEach((c, index) => {
      const r = validate(c, env);
      if (r.ok) valid.push(r.value);
      else rejected.push({ index, reason: r.reason, detail: r.detail });
    });
    const { unique, duplicates: inBatch } = dedupBatch(valid);
    return { rejected, unique, inBatch };
  });
  // Across the batches: the first occurrence of a messageId is the one that can be accepted.
  const seen = new Set<string>();
  const firsts = parts.map((p) =>
    p.unique.filter((e) => {
      if (seen.has(e.messageId)) return false;
      seen.add(e.messageId);
      return true;
    }),
  );

  return inTransaction(ctx, async (tx) => {
    // dedup: the primary key of event_ids is the guard; concurrent requests with the same ids lose here.
    // Ids go in sorted so concurrent batches sharing ids (retries) lock them in the same order.
    const ids = [...seen].sort();
    const fresh = new Set<string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await tx.db
        .insertInto('event_ids')
        .values(ids.slice(i, i + CHUNK).map((id) => ({ workspace_id: tx.workspace.id, message_id: id })))
        .onConflict((oc) => oc.doNothing())
        .returning('message_id')
        .execute();
      for (const r of rows) fresh.add(r.message_id);
    }
    const acceptedBy = firsts.map((list) => list.filter((e) => fresh.has(e.messageId)));
    const accepted = acceptedBy.flat();
    await turn();

    const resolved = await resolveIdentity(tx, accepted, settings);
    await turn();
    await writeEvents(tx, accepted, resolved);
    await turn();

    const metrics = await loadMetrics(tx);
    const features = await loadFeatures(tx);
    const rollup: RollupEvent[] = [];
    for (const e of accepted) {
      const accountId = resolved.get(e.messageId);
      if (accountId)
        rollup.push({
          accountId,
          day: e.day,
          type: e.type,
          eventName: e.eventName,
          userKey: e.userKey,
          properties: e.properties,
        });
    }
    await applyRollups(tx, rollup, { metrics, features });
    await attachPending(tx, accepted, { metrics, features });

    const rejectedRows = batches.flatMap(({ candidates, receivedAt }, b) =>
      parts[b]!.rejected.map((r) => ({
        id: newId(),
        workspace_id: tx.workspace.id,
        reason: r.reason,
        detail: r.detail,
        payload: truncatedJson(candidates[r.index]!.raw),
        received_at: receivedAt.toISOString(),
      })),
    );
    for (let i = 0; i < rejectedRows.length; i += CHUNK) {
      await tx.db
        .insertInto('rejected_events')
        .values(rejectedRows.slice(i, i + CHUNK))
        .execute();
    }

    const results = parts.map((p, b) => {
      const mine = acceptedBy[b]!;
      return {
        accepted: mine.length,
        duplicates: p.inBatch + p.unique.length - mine.length,
        pending: mine.filter((e) => !resolved.get(e.messageId)).length,
        rejected: p.rejected,
      };
    });
    const counts: Record<string, number> = { accepted: 0, duplicate: 0, pending: 0 };
    for (const r of results) {
      counts.accepted! += r.accepted;
      counts.duplicate! += r.duplicates;
      counts.pending! += r.pending;
      for (const x of r.rejected) counts[`rejected:${x.reason}`] = (counts[`rejected:${x.reason}`] ?? 0) + 1;
    }
    await bumpCounters(tx, counts);
    return results;
  });
}

export type BatchJob = { ctx: Ctx; candidates: Candidate[]; receivedAt: Date };

/**
 * Group commit: the batches of several requests in one transaction, those of one workspace merged
 * into one run of the pipeline (each still validated, deduped and answered on its own). For
 * batches of ~100 events the per-batch fixed work and the commit are most of the cost: hot pages
 * of the indexes and rollups go to the WAL once per commit, PostgreSQL flushes its WAL once. Every
 * batch is answered only after the shared commit, so a 2xx still means durable. If the shared
 * transaction fails, each batch is retried alone, so one bad batch cannot fail the others.
 */
export async function ingestBatches(jobs: BatchJob[]): Promise<JobOutcome<BatchResult>[]> {
  const alone = async (j: BatchJob): Promise<JobOutcome<BatchResult>> => {
    try {
      return { ok: true, value: await ingestBatch(j.ctx, j.candidates, j.receivedAt) };
    } catch (error) {
      return { ok: false, error };
    }
  };
  if (jobs.length === 1) return [await alone(jobs[0]!)];
  const byWorkspace = new Map<string, number[]>();
  jobs.forEach((j, i) => {
    const list = byWorkspace.get(j.ctx.workspace.id);
    if (list) list.push(i);
    else byWorkspace.set(j.ctx.workspace.id, [i]);
  });
  try {
    return await jobs[0]!.ctx.db.transaction().execute(async (trx) => {
      const outcomes: JobOutcome<BatchResult>[] = new Array(jobs.length);
      for (const indexes of byWorkspace.values()) {
        const first = jobs[indexes[0]!]!;
        const results = await ingestBatchesOfWorkspace(
          { ...first.ctx, db: trx },
          indexes.map((i) => jobs[i]!),
        );
        indexes.forEach((i, k) => {
          outcomes[i] = { ok: true, value: results[k]! };
        });
        await turn();
      }
      return outcomes;
    });
  } catch {
    const outcomes: JobOutcome<BatchResult>[] = [];
    for (const j of jobs) outcomes.push(await alone(j));
    return outcomes;
  }
}

function truncatedJson(v: unknown): string {
  const s = JSON.stringify(v) ?? 'null';
  return s.length > 64 * 1024 ? `${s.slice(0, 64 * 1024)}…` : s;
}

export async function bumpCounters(ctx: Ctx, counts: Record<string, number>) {
  const rows = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([counter, value]) => ({ workspace_id: ctx.workspace.id, counter, value }));
  if (rows.length === 0) return;
  await ctx.db
    .insertInto('ingest_counters')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'counter'])
        .doUpdateSet((eb) => ({ value: eb(eb.ref('ingest_counters.value'), '+', eb.ref('excluded.value')) })),
    )
    .execute();
}

/**
 * resolve-identity: the account of each event (its groupId, else its user's group membership);
 * identify upserts the person's traits (and their contact once the account is known); group links
 * the user to the account, creating the account if it is new and copying mapped traits onto it.
 */
async function resolveIdentity(
  ctx: Ctx,
  events: ValidEvent[],
  settings: IngestSettings,
): Promise<Map<string, string | null>> {
  const ws = ctx.workspace.id;
  const groupIds = [...new Set(events.map((e) => e.groupExternalId).filter((g): g is string => !!g))];
  const userKeys = [
    ...new Set(events.flatMap((e) => [e.userKey, e.previousId]).filter((u): u is string => !!u)),
  ];
  const accounts = new Map<string, string>();
  for (let i = 0; i < groupIds.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('accounts')
      .select(['id', 'external_id'])
      .where('workspace_id', '=', ws)
      .where('external_id', 'in', groupIds.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) accounts.set(r.external_id, r.id);
  }
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

  // Events are applied in time order so a group call earlier in the batch links later events.
  const ordered = [...events].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  for (const e of ordered) {
    const person = e.userKey ? touch(e.userKey, e.timestamp) : undefined;
    if (e.type === 'group' && e.groupExternalId) {
      let accountId = accounts.get(e.groupExternalId);
      accountId = await upsertGroupAccount(ctx, e, accountId, settings);
      accounts.set(e.groupExternalId, accountId);
      if (person) {
        person.account_id = accountId;
        person.group_external_id = e.groupExternalId;
      }
    }
    if (e.type === 'alias' && e.previousId && person) {
      const previous = touch(e.previousId, e.timestamp);
      person.account_id ??= previous.account_id;
      person.group_external_id ??= previous.group_external_id;
      person.traits = { ...previous.traits, ...person.traits };
    }
    if (e.type === 'identify' && person && e.traits) person.traits = { ...person.traits, ...e.traits };
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
  const people = new Set(
    ordered.filter((e) => (e.type === 'identify' || e.type === 'group') && e.userId).map((e) => e.userId!),
  );
  for (const userId of people) {
    const t = touched.get(userId);
    if (t?.account_id && Object.keys(t.traits).length > 0)
      await upsertContact(ctx, userId, t.account_id, t.traits);
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
    const row = await ctx.db
      .selectFrom('accounts')
      .select('id')
      .where('workspace_id', '=', ctx.workspace.id)
      .where('external_id', '=', e.groupExternalId!)
      .executeTakeFirstOrThrow();
    accountId = row.id;
  }
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
  const find = () =>
    ctx.db
      .selectFrom('contacts')
      .select(['id', 'account_id'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('external_user_id', '=', userId)
      .executeTakeFirst();
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

/** write: raw events, pending (no account) or attached. */
async function writeEvents(ctx: Ctx, events: ValidEvent[], resolved: Map<string, string | null>) {
  const rows = events.map((e) => ({
    id: newId(),
    workspace_id: ctx.workspace.id,
    message_id: e.messageId,
    source: e.source,
    type: e.type,
    event_name: e.eventName,
    user_key: e.userKey,
    user_id: e.userId,
    anonymous_id: e.anonymousId,
    account_id: resolved.get(e.messageId) ?? null,
    group_external_id: e.groupExternalId,
    properties: JSON.stringify(e.properties),
    context: e.context ? JSON.stringify(e.context) : null,
    timestamp: e.timestamp,
    original_timestamp: e.originalTimestamp,
    sent_at: e.sentAt,
    received_at: e.receivedAt,
    day: e.day,
  }));
  for (let i = 0; i < rows.length; i += 200)
    await ctx.db
      .insertInto('events')
      .values(rows.slice(i, i + 200))
      .execute();
}

/**
 * Pending events whose account is now known (a group call named it or linked their user, or the
 * account was created by import or the API) are attached and rolled up. Called with the batch's
 * group calls, and by the attach-pending-events job for accounts that appeared any other way.
 */
export async function attachPending(
  ctx: Ctx,
  events: ValidEvent[] | 'all',
  defs?: Parameters<typeof applyRollups>[2],
): Promise<number> {
  const ws = ctx.workspace.id;
  let groupIds: string[];
  let userKeys: string[];
  if (events === 'all') {
    const groups = await ctx.db
      .selectFrom('events')
      .innerJoin('accounts', (j) =>
        j
          .onRef('accounts.workspace_id', '=', 'events.workspace_id')
          .onRef('accounts.external_id', '=', 'events.group_external_id'),
      )
      .select('events.group_external_id')
      .distinct()
      .where('events.workspace_id', '=', ws)
      .where('events.account_id', 'is', null)
      .execute();
    groupIds = groups.map((g) => g.group_external_id!);
    const users = await ctx.db
      .selectFrom('events')
      .innerJoin('identities', (j) =>
        j
          .onRef('identities.workspace_id', '=', 'events.workspace_id')
          .onRef('identities.user_key', '=', 'events.user_key'),
      )
      .select('events.user_key')
      .distinct()
      .where('events.workspace_id', '=', ws)
      .where('events.account_id', 'is', null)
      .where('events.group_external_id', 'is', null)
      .where('identities.account_id', 'is not', null)
      .execute();
    userKeys = users.map((u) => u.user_key!);
  } else {
    const linking = events.filter((e) => e.type === 'group' || e.type === 'alias');
    groupIds = [...new Set(linking.map((e) => e.groupExternalId).filter((g): g is string => !!g))];
    userKeys = [...new Set(linking.map((e) => e.userKey).filter((u): u is string => !!u))];
  }
  if (groupIds.length === 0 && userKeys.length === 0) return 0;

  let attached = 0;
  const apply = async (
    rows: {
      id: string;
      account_id: string | null;
      day: string;
      type: string;
      event_name: string;
      user_key: string | null;
      properties: string;
    }[],
  ) => {
    await applyRollups(
      ctx,
      rows.map((r) => ({
        accountId: r.account_id!,
        day: r.day,
        type: r.type,
        eventName: r.event_name,
        userKey: r.user_key,
        properties: JSON.parse(r.properties),
      })),
      defs,
    );
    attached += rows.length;
  };
  for (const groupId of groupIds) {
    const account = await ctx.db
      .selectFrom('accounts')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('external_id', '=', groupId)
      .executeTakeFirst();
    if (!account) continue;
    const rows = await ctx.db
      .updateTable('events')
      .set({ account_id: account.id })
      .where('workspace_id', '=', ws)
      .where('account_id', 'is', null)
      .where('group_external_id', '=', groupId)
      .returning(['id', 'account_id', 'day', 'type', 'event_name', 'user_key', 'properties'])
      .execute();
    await apply(rows);
  }
  for (const userKey of userKeys) {
    const identity = await ctx.db
      .selectFrom('identities')
      .select('account_id')
      .where('workspace_id', '=', ws)
      .where('user_key', '=', userKey)
      .executeTakeFirst();
    if (!identity?.account_id) continue;
    const rows = await ctx.db
      .updateTable('events')
      .set({ account_id: identity.account_id })
      .where('workspace_id', '=', ws)
      .where('account_id', 'is', null)
      .where('group_external_id', 'is', null)
      .where('user_key', '=', userKey)
      .returning(['id', 'account_id', 'day', 'type', 'event_name', 'user_key', 'properties'])
      .execute();
    await apply(rows);
  }
  if (attached) await bumpCounters(ctx, { attached });
  return attached;
}
