// Manual tiers and stages (seed 004: "对客户的使用阶段可在客户详情页,支持手动修改"), and the
// history of tier and stage changes. An override wins over the rules until it is removed or its
// expiresOn day has passed. What values are valid and what the rules would give come from the
// module that owns them (segments for tiers, lifecycle for stages) through an OverrideSpec, so
// this module depends on neither.

import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { invalidField } from '../../errors.ts';
import { type Message, msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, encodeCursor } from '../../pagination.ts';
import { nowIso, today } from '../../time.ts';
import { getAccount } from '../accounts/index.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { valueParam, writeTimeline } from '../timeline/index.ts';
import type { ListPage, OverrideKind, StateChange, StateOverride } from './state.schemas.ts';
import type { AccountStateDaysTable, StateChangesTable, StateOverridesTable } from './state.table.ts';

const overrideRowToOverride = (r: StateOverridesTable): StateOverride => ({
  accountId: r.account_id,
  kind: r.kind as OverrideKind,
  value: r.value,
  reason: r.reason,
  userId: r.user_id,
  expiresOn: r.expires_on,
  createdAt: r.created_at,
});

export const stateChangeRowToChange = (r: StateChangesTable): StateChange => ({
  id: r.id,
  accountId: r.account_id,
  day: r.day,
  kind: r.kind,
  from: r.from_value,
  to: r.to_value,
  reason: r.reason,
  createdAt: r.created_at,
});

export type Overrides = Record<OverrideKind, ReadonlyMap<string, StateOverride>>;

/**
 * The overrides in force on `day`, by kind and account. An override holds through its expiresOn
 * day (inclusive) and is ignored from the day after.
 */
export async function loadOverrides(ctx: Ctx, day: string): Promise<Overrides> {
  const rows = await ctx.db
    .selectFrom('state_overrides')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => eb.or([eb('expires_on', 'is', null), eb('expires_on', '>=', day)]))
    .execute();
  const out = { tier: new Map<string, StateOverride>(), stage: new Map<string, StateOverride>() };
  for (const r of rows) {
    if (r.kind === 'tier' || r.kind === 'stage') out[r.kind].set(r.account_id, overrideRowToOverride(r));
  }
  return out;
}

/** What a module tells the shared override verbs about its kind of state. */
export type OverrideSpec = {
  kind: OverrideKind;
  /** The body field holding the value, for error paths ('tier', 'stage'). */
  field: string;
  noun: string;
  /** A message when `value` is not one this workspace can have, else undefined. */
  check: (tx: Ctx, value: string) => Promise<Message | undefined>;
  /** The value the rules give the account on `day` (once no override holds). */
  ruleValue: (tx: Ctx, accountId: string, day: string) => Promise<string | null>;
};

export type OverrideInput = { value: string; reason: string; expiresOn?: string | null };

/**
 * Sets (or replaces) an account's manual tier or stage. It takes effect at once: the account's
 * current state and its history (state_changes) change in the same transaction, with a timeline
 * entry and an audit row, so the next recompute finds nothing to change.
 */
export async function setStateOverride(
  ctx: Ctx,
  accountId: string,
  spec: OverrideSpec,
  input: OverrideInput,
): Promise<StateOverride> {
  return inTransaction(ctx, async (tx) => {
    await getAccount({ ctx: tx, id: accountId });
    await authorize(tx, 'accounts:update', accountId);
    const day = today(tx);
    const expiresOn = input.expiresOn ?? null;
    if (expiresOn !== null && expiresOn < day) {
      throw invalidField('expiresOn', msg('error.expiresOnPast', { day }));
    }
    const problem = await spec.check(tx, input.value);
    if (problem) throw invalidField(spec.field, problem);
    const before = await findOverride(tx, accountId, spec.kind);
    const row: StateOverridesTable = {
      workspace_id: tx.workspace.id,
      account_id: accountId,
      kind: spec.kind,
      value: input.value,
      reason: input.reason,
      user_id: actorId(tx),
      expires_on: expiresOn,
      created_at: nowIso(tx),
    };
    await tx.db
      .insertInto('state_overrides')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'account_id', 'kind']).doUpdateSet({
          value: row.value,
          reason: row.reason,
          user_id: row.user_id,
          expires_on: row.expires_on,
          created_at: row.created_at,
        }),
      )
      .execute();
    const override = overrideRowToOverride(row);
    const change = await applyState(tx, accountId, spec.kind, input.value, `manual: ${input.reason}`);
    const setParams = {
      what: msg(`event.what.${spec.kind}`),
      value: valueParam(spec.kind, input.value),
      reason: input.reason,
    };
    await writeTimeline(tx, {
      accountId,
      type: `${spec.kind}.overridden`,
      title: expiresOn
        ? msg('event.overrideSetUntil', { ...setParams, until: { date: expiresOn } })
        : msg('event.overrideSet', setParams),
      entityType: 'account',
      entityId: accountId,
      data: { value: input.value, reason: input.reason, expiresOn, previous: change?.from ?? input.value },
    });
    await writeAudit(tx, {
      action: `${spec.kind}_override.set`,
      entityType: 'account',
      entityId: accountId,
      before: before ?? undefined,
      after: override,
    });
    return override;
  });
}

/**
 * Removes an account's manual tier or stage; the rules decide again at once. Removing an override
 * that does not exist changes nothing (and records nothing).
 */
export async function clearStateOverride(ctx: Ctx, accountId: string, spec: OverrideSpec): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await getAccount({ ctx: tx, id: accountId });
    await authorize(tx, 'accounts:update', accountId);
    const before = await findOverride(tx, accountId, spec.kind);
    if (!before) return;
    await tx.db
      .deleteFrom('state_overrides')
      .where('workspace_id', '=', tx.workspace.id)
      .where('account_id', '=', accountId)
      .where('kind', '=', spec.kind)
      .execute();
    const day = today(tx);
    const value = await spec.ruleValue(tx, accountId, day);
    await applyState(tx, accountId, spec.kind, value, 'manual override removed');
    await writeTimeline(tx, {
      accountId,
      type: `${spec.kind}.override_removed`,
      title: msg('event.overrideRemoved', {
        what: msg(`event.what.${spec.kind}`),
        value: valueParam(spec.kind, before.value),
        now: valueParam(spec.kind, value),
      }),
      entityType: 'account',
      entityId: accountId,
      data: { removed: before.value, reason: before.reason, now: value },
    });
    await writeAudit(tx, {
      action: `${spec.kind}_override.removed`,
      entityType: 'account',
      entityId: accountId,
      before,
    });
  });
}

/**
 * The account's manual tier and stage, including one whose expiresOn has passed (it no longer
 * holds; the UI says so and offers to remove it).
 */
export async function listAccountOverrides({
  ctx,
  accountId,
}: {
  ctx: Ctx;
  accountId: string;
}): Promise<{ items: StateOverride[]; today: string }> {
  await getAccount({ ctx, id: accountId });
  const rows = await ctx.db
    .selectFrom('state_overrides')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', accountId)
    .orderBy('kind')
    .execute();
  return { items: rows.map(overrideRowToOverride), today: today(ctx) };
}

async function findOverride(
  ctx: Ctx,
  accountId: string,
  kind: OverrideKind,
): Promise<StateOverride | undefined> {
  const row = await ctx.db
    .selectFrom('state_overrides')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row ? overrideRowToOverride(row) : undefined;
}

/**
 * Puts `value` into the account's current state (creating its row if no recompute has written one)
 * and records the change in its history; nothing when the value is already current.
 */
async function applyState(
  tx: Ctx,
  accountId: string,
  kind: OverrideKind,
  value: string | null,
  reason: string,
): Promise<StateChange | undefined> {
  const day = today(tx);
  const now = nowIso(tx);
  const current = await tx.db
    .selectFrom('account_states')
    .select(['tier', 'stage'])
    .where('workspace_id', '=', tx.workspace.id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  const from = current ? current[kind] : null;
  if (from === value) return undefined;
  const fields = kind === 'tier' ? { tier: value, tier_since: day } : { stage: value, stage_since: day };
  if (current) {
    await tx.db
      .updateTable('account_states')
      .set({ ...fields, updated_at: now })
      .where('workspace_id', '=', tx.workspace.id)
      .where('account_id', '=', accountId)
      .execute();
  } else {
    await tx.db
      .insertInto('account_states')
      .values({
        workspace_id: tx.workspace.id,
        account_id: accountId,
        day,
        health_score: null,
        health_status: null,
        health_model_id: null,
        health_trend_7d: null,
        health_trend_30d: null,
        tier: null,
        tier_since: null,
        stage: null,
        stage_since: null,
        segments: '[]',
        churn_risk: null,
        updated_at: now,
        ...fields,
      })
      .execute();
  }
  // Today's row of the daily history follows, so the next recompute (which compares with the day
  // before it plus that day's recorded changes) sees the manual value and records nothing again.
  const state = await tx.db
    .selectFrom('account_states')
    .selectAll()
    .where('workspace_id', '=', tx.workspace.id)
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  const dayRow: AccountStateDaysTable = {
    workspace_id: tx.workspace.id,
    account_id: accountId,
    day,
    health_score: state.health_score,
    health_status: state.health_status,
    health_model_id: state.health_model_id,
    tier: state.tier,
    tier_since: state.tier_since,
    stage: state.stage,
    stage_since: state.stage_since,
    segments: state.segments,
  };
  await tx.db
    .insertInto('account_state_days')
    .values(dayRow)
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'account_id', 'day'])
        .doUpdateSet(kind === 'tier' ? { tier: value, tier_since: day } : { stage: value, stage_since: day }),
    )
    .execute();
  const row: StateChangesTable = {
    id: newId(),
    workspace_id: tx.workspace.id,
    account_id: accountId,
    day,
    kind,
    from_value: from,
    to_value: value,
    reason,
    created_at: now,
  };
  await tx.db.insertInto('state_changes').values(row).execute();
  return stateChangeRowToChange(row);
}

/** An account's changes of one kind (tier, stage...), newest first. */
export async function listStateChanges({
  ctx,
  accountId,
  kind,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  kind: string;
  input: ListPage;
}) {
  await getAccount({ ctx, id: accountId });
  let q = ctx.db
    .selectFrom('state_changes')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', accountId)
    .where('kind', '=', kind);
  if (input.cursor) {
    const [day, id] = decodeCursor(input.cursor, ['string', 'string']) as [string, string];
    q = q.where((eb) => eb.or([eb('day', '<', day), eb.and([eb('day', '=', day), eb('id', '<', id)])]));
  }
  const rows = await q
    .orderBy('day', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(stateChangeRowToChange),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.day, last.id]) : null,
  };
}

/** Changes of the account's tier (by the rules or by hand), newest first. */
export async function listTierHistory({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: ListPage;
}) {
  return listStateChanges({ ctx, accountId, kind: 'tier', input });
}

/** Changes of the account's stage (by the rules or by hand), newest first. */
export async function listStageHistory({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: ListPage;
}) {
  return listStateChanges({ ctx, accountId, kind: 'stage', input });
}

/** Accounts whose manual `kind` (tier or stage) is `value`, whether or not it has expired. */
export async function accountsOverriddenTo(ctx: Ctx, kind: OverrideKind, value: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('state_overrides')
    .select('account_id')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('kind', '=', kind)
    .where('value', '=', value)
    .execute();
  return rows.map((r) => r.account_id);
}
