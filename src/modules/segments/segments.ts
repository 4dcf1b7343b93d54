import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation, parseJson } from '../../db/dialect.ts';
import { duplicateKey, notFound } from '../../errors.ts';
import type { Locale } from '../../i18n/index.ts';
import { msg } from '../../i18n/index.ts';
import { localeOf } from '../../i18n/request-locale.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, encodeCursor } from '../../pagination.ts';
import { nowIso, today } from '../../time.ts';
import { readableAccountsView } from '../accounts/index.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import type { Condition } from '../facts/condition.ts';
import { conditionToText } from '../facts/condition-text.ts';
import { loadEvaluationBatch } from '../facts/evaluation-batch.ts';
import { BodyChecker, loadCatalogueMap } from './compile.ts';
import { labelOf, namesOnWrite } from './labels.ts';
import { compareText, evaluateSegments, type SegmentRule } from './rules.ts';
import {
  CreateSegment,
  type ListPage,
  PreviewSegment,
  type Segment,
  type SegmentDefinition,
  type SegmentPreview,
  UpdateSegment,
} from './segments.schemas.ts';
import type { SegmentsTable } from './segments.table.ts';

const BATCH = 500;

/** A saved segment as the recompute pipeline uses it: a key and a checked condition. */
export type LoadedSegment = SegmentRule & { id: string; name: string };

export const segmentRowToSegment = (r: SegmentsTable, locale: Locale): SegmentDefinition => {
  const condition = parseJson<Condition>(r.condition, { and: [] });
  const label = labelOf(r.name, r.label);
  return {
    id: r.id,
    key: r.key,
    name: label[locale],
    label,
    description: r.description,
    condition,
    conditionText: conditionToText(condition),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
};

// Segments are evaluated last in recompute (after tier and stage), so their conditions may read
// both; `segments` itself would be yesterday's membership, a loop rather than a rule.
async function checkSegmentCondition(ctx: Ctx, input: unknown, path = 'condition'): Promise<Condition> {
  const checker = new BodyChecker(await loadCatalogueMap(ctx));
  const condition = checker.condition(input, path, ['segments'], msg('cond.why.segment'));
  checker.done();
  return condition!;
}

async function getSegmentRow(ctx: Ctx, idOrKey: string): Promise<SegmentsTable> {
  const row = await ctx.db
    .selectFrom('segments')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  if (!row) throw notFound('Segment', idOrKey);
  return row;
}

/** Every saved segment of the workspace, by key, with its condition ready for `evaluateSegments`. */
export async function loadSegments(ctx: Ctx): Promise<LoadedSegment[]> {
  const rows = await ctx.db
    .selectFrom('segments')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('key')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    name: r.name,
    condition: JSON.parse(r.condition) as Condition,
  }));
}

/** Each segment with how many accounts are in it now (one grouped count, not one per segment). */
async function withMemberCounts(ctx: Ctx, segments: SegmentDefinition[]): Promise<Segment[]> {
  if (segments.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('segment_members')
    .select(['segment_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', ctx.workspace.id)
    .where(
      'segment_id',
      'in',
      segments.map((s) => s.id),
    )
    .groupBy('segment_id')
    .execute();
  const counts = new Map(rows.map((r) => [r.segment_id, Number(r.n)]));
  return segments.map((s) => ({ ...s, memberCount: counts.get(s.id) ?? 0 }));
}

export async function listSegments({ ctx }: { ctx: Ctx; input?: unknown }) {
  await authorize(ctx, 'read');
  const rows = await ctx.db
    .selectFrom('segments')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('key')
    .execute();
  return {
    items: await withMemberCounts(
      ctx,
      rows.map((r) => segmentRowToSegment(r, localeOf(ctx))),
    ),
    nextCursor: null,
  };
}

export async function getSegment({ ctx, id }: { ctx: Ctx; id: string }): Promise<Segment> {
  await authorize(ctx, 'read');
  const [segment] = await withMemberCounts(ctx, [
    segmentRowToSegment(await getSegmentRow(ctx, id), localeOf(ctx)),
  ]);
  return segment!;
}

/**
 * Membership is the recompute's (see `updateSegmentMembership`): the API route runs it right after
 * the save (segmentsRoutes' computeMembership), so the answer carries the new member count.
 */
export async function createSegment({ ctx, input }: { ctx: Ctx; input: CreateSegment }): Promise<Segment> {
  await authorize(ctx, 'settings:write');
  const data = CreateSegment.parse(input);
  const condition = await checkSegmentCondition(ctx, data.condition);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const row: SegmentsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      key: data.key,
      ...namesOnWrite(localeOf(tx), data),
      description: data.description ?? null,
      condition: JSON.stringify(condition),
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('segments').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateKey('Segment', data.key);
      throw error;
    }
    const segment = segmentRowToSegment(row, localeOf(tx));
    await writeAudit(tx, {
      action: 'segment.created',
      entityType: 'segment',
      entityId: row.id,
      after: segment,
    });
    return { ...segment, memberCount: 0 };
  });
}

export async function updateSegment({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateSegment;
}): Promise<Segment> {
  await authorize(ctx, 'settings:write');
  const data = UpdateSegment.parse(input);
  const condition =
    data.condition === undefined ? undefined : await checkSegmentCondition(ctx, data.condition);
  return inTransaction(ctx, async (tx) => {
    const beforeRow = await getSegmentRow(tx, id);
    const before = segmentRowToSegment(beforeRow, localeOf(tx));
    const after = await tx.db
      .updateTable('segments')
      .set({
        ...namesOnWrite(localeOf(tx), data, beforeRow),
        description: data.description,
        condition: condition === undefined ? undefined : JSON.stringify(condition),
        updated_at: nowIso(tx),
      })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const segment = segmentRowToSegment(after, localeOf(tx));
    await writeAudit(tx, {
      action: 'segment.updated',
      entityType: 'segment',
      entityId: segment.id,
      before,
      after: segment,
    });
    const [counted] = await withMemberCounts(tx, [segment]);
    return counted!;
  });
}

/** Deletes the segment and its membership; past enter/exit history stays. */
export async function deleteSegment({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const before = segmentRowToSegment(await getSegmentRow(tx, id), localeOf(tx));
    await tx.db
      .deleteFrom('segment_members')
      .where('workspace_id', '=', tx.workspace.id)
      .where('segment_id', '=', before.id)
      .execute();
    await tx.db
      .deleteFrom('segments')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .execute();
    await writeAudit(tx, { action: 'segment.deleted', entityType: 'segment', entityId: before.id, before });
  });
}

/** The segment's members as of the last recompute, by account name. */
export async function listSegmentMembers({ ctx, id, input }: { ctx: Ctx; id: string; input: ListPage }) {
  await authorize(ctx, 'read');
  const segment = await getSegmentRow(ctx, id);
  let q = ctx.db
    .selectFrom('segment_members as m')
    .innerJoin(readableAccountsView(ctx).as('a'), (j) => j.onRef('a.id', '=', 'm.account_id'))
    .select(['m.account_id', 'm.since', 'a.name', 'a.external_id'])
    .where('m.workspace_id', '=', ctx.workspace.id)
    .where('m.segment_id', '=', segment.id);
  if (input.cursor) {
    const [name, accountId] = decodeCursor(input.cursor, ['string', 'string']) as [string, string];
    q = q.where((eb) =>
      eb.or([eb('a.name', '>', name), eb.and([eb('a.name', '=', name), eb('m.account_id', '>', accountId)])]),
    );
  }
  const rows = await q
    .orderBy('a.name')
    .orderBy('m.account_id')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      accountId: r.account_id,
      externalId: r.external_id,
      name: r.name,
      since: r.since,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.name, last.account_id]) : null,
  };
}

/**
 * Brings segment_members (the current members, with since when) in line with the given membership
 * (account id -> keys of the segments it is in now) for those accounts only; accounts not in the
 * map keep theirs, so the pipeline can work in batches. Unknown keys are ignored. The recompute
 * calls it only when its day moved the current state: the enter/exit history (state_changes) is
 * the state module's writer's, so a backfill of past days records their changes and leaves the
 * current members alone. Returns how many memberships began and ended.
 */
export async function updateSegmentMembership(
  ctx: Ctx,
  day: string,
  membershipByAccount: ReadonlyMap<string, readonly string[]>,
): Promise<{ entered: number; exited: number }> {
  return inTransaction(ctx, async (tx) => {
    const ws = tx.workspace.id;
    const segments = await loadSegments(tx);
    const idByKey = new Map(segments.map((s) => [s.key, s.id]));
    const accountIds = [...membershipByAccount.keys()];
    const enters: { workspace_id: string; segment_id: string; account_id: string; since: string }[] = [];
    const exits = new Map<string, string[]>();
    let exited = 0;

    for (let i = 0; i < accountIds.length; i += BATCH) {
      const batch = accountIds.slice(i, i + BATCH);
      const current = await tx.db
        .selectFrom('segment_members')
        .select(['segment_id', 'account_id'])
        .where('workspace_id', '=', ws)
        .where('account_id', 'in', batch)
        .execute();
      const have = new Map<string, Set<string>>();
      for (const r of current) {
        const set = have.get(r.account_id) ?? new Set<string>();
        set.add(r.segment_id);
        have.set(r.account_id, set);
      }
      for (const accountId of batch) {
        const want = new Set<string>();
        for (const key of membershipByAccount.get(accountId) ?? []) {
          const id = idByKey.get(key);
          if (id) want.add(id);
        }
        const had = have.get(accountId) ?? new Set<string>();
        for (const segmentId of want) {
          if (had.has(segmentId)) continue;
          enters.push({ workspace_id: ws, segment_id: segmentId, account_id: accountId, since: day });
        }
        for (const segmentId of had) {
          if (want.has(segmentId)) continue;
          exits.set(segmentId, [...(exits.get(segmentId) ?? []), accountId]);
          exited++;
        }
      }
    }

    for (let i = 0; i < enters.length; i += BATCH) {
      await tx.db
        .insertInto('segment_members')
        .values(enters.slice(i, i + BATCH))
        .execute();
    }
    for (const [segmentId, ids] of exits) {
      for (let i = 0; i < ids.length; i += BATCH) {
        await tx.db
          .deleteFrom('segment_members')
          .where('workspace_id', '=', ws)
          .where('segment_id', '=', segmentId)
          .where('account_id', 'in', ids.slice(i, i + BATCH))
          .execute();
      }
    }
    return { entered: enters.length, exited };
  });
}

/**
 * What-if for a segment condition, writing nothing: who matches today, and against a saved
 * segment's current members who would enter and who would leave.
 */
export async function previewSegment({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: PreviewSegment;
}): Promise<SegmentPreview> {
  await authorize(ctx, 'settings:write');
  const data = PreviewSegment.parse(input);
  const condition = await checkSegmentCondition(ctx, data.condition);
  const segment = data.segment === undefined ? undefined : await getSegmentRow(ctx, data.segment);
  const current = new Set(
    segment
      ? (
          await ctx.db
            .selectFrom('segment_members')
            .select('account_id')
            .where('workspace_id', '=', ctx.workspace.id)
            .where('segment_id', '=', segment.id)
            .execute()
        ).map((r) => r.account_id)
      : [],
  );
  const { day, facts, env } = await loadEvaluationBatch(ctx, today(ctx), [condition]);
  const rule = [{ key: 'preview', condition }];
  const ref = (accountId: string) => ({ accountId, name: String(facts.get(accountId)?.name ?? '') });
  const members: ReturnType<typeof ref>[] = [];
  const entering: ReturnType<typeof ref>[] = [];
  for (const [accountId, f] of facts) {
    if (evaluateSegments(rule, f, env(accountId)).length === 0) continue;
    members.push(ref(accountId));
    if (!current.has(accountId)) entering.push(ref(accountId));
  }
  const matched = new Set(members.map((m) => m.accountId));
  // Members whose account is gone (deleted since the last recompute) leave too.
  const leaving = [...current].filter((id) => !matched.has(id)).map(ref);
  const byName = (a: { name: string; accountId: string }, b: { name: string; accountId: string }) =>
    compareText(a.name, b.name) || compareText(a.accountId, b.accountId);
  for (const list of [members, entering, leaving]) list.sort(byName);
  return {
    day,
    accounts: facts.size,
    count: members.length,
    sample: members.slice(0, data.limit),
    entering: { total: entering.length, items: entering.slice(0, data.limit) },
    leaving: { total: leaving.length, items: leaving.slice(0, data.limit) },
  };
}
