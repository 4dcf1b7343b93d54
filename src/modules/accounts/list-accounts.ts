import { type AliasableExpression, type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import {
  jsonArrayContains,
  jsonArrayTable,
  jsonKeyArrayContains,
  jsonStrictNumber,
  jsonText,
} from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, invalidField } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { decodeCursor, encodeCursor, type Page } from '../../pagination.ts';
import { addDays, today } from '../../time.ts';
import { userNames } from '../auth/index.ts';
import type {
  AccountListItem,
  AccountSort,
  AccountStateColumns,
  AccountStateFilter,
  CustomFieldFilter,
  ListAccounts,
} from './accounts.schemas.ts';
import type { CustomFieldDefinitionsTable } from './accounts.table.ts';
import { accountRowToAccount, loadTeams } from './accounts.ts';
import { toMinor } from './contract-math.ts';
import { loadDefinitions } from './custom-fields.ts';
import { accountReadFilter, authorizeReadList, onAccountTeam } from './read-scope.ts';

type Eb = ExpressionBuilder<Database, 'accounts'>;

/**
 * What the list needs from the accounts' derived state (health, tier, stage, segments). Its owner
 * reads facts and facts read accounts, so this module cannot import it without an import cycle:
 * the composition root (`server/app.ts`) passes it in.
 */
export interface AccountStateSource {
  /** True for the account (`accountId`, an expression of the list's query) whose state passes `filter`. */
  where(ctx: Ctx, filter: AccountStateFilter, accountId: Expression<string>): Expression<SqlBool>;
  /** The account's current health score (null when unscored), to sort by. */
  healthScore(ctx: Ctx, accountId: Expression<string>): Expression<number | null>;
  /**
   * The account's place in `order` (tiers or stages, best first), to sort by; a value outside the
   * order ranks after it, no value is null.
   */
  rank(
    ctx: Ctx,
    key: RankedSort,
    order: readonly string[],
    accountId: Expression<string>,
  ): Expression<number | null>;
  /** The tiers of the active scheme, or the workspace's stages in their order: what `rank` sorts by. */
  order(ctx: Ctx, key: RankedSort): Promise<string[]>;
  /** The current state of these accounts; accounts without one are absent. */
  load(ctx: Ctx, accountIds: readonly string[]): Promise<Map<string, AccountStateColumns>>;
  /**
   * Ids of the accounts a condition (text or JSON tree) matches today; a bad condition is a 400
   * naming `path`.
   */
  matching(ctx: Ctx, condition: unknown, path: string): Promise<ReadonlySet<string>>;
}

/** Outside the 0-100 health scores on the side that sorts last, whichever the direction. */
const NO_SCORE = { asc: 1000, desc: -1 } as const;
/** Outside any rank (a scheme's tiers, the stages): accounts without one sort last. */
const NO_RANK = { asc: 1_000_000, desc: -1 } as const;

/** Sorts by the account's place in the workspace's order of tiers or stages, not alphabetically. */
export type RankedSort = 'tier' | 'stage';
type SortEnv = { ctx: Ctx; state: AccountStateSource; desc: boolean; order: readonly string[] };

// Sort keys. Nullable columns sort through coalesce with a sentinel so the keyset cursor compares
// plain values and both engines agree (SQLite and PostgreSQL order NULLs differently by default).
const SORT_EXPRESSIONS: Record<AccountSort, (eb: Eb, env: SortEnv) => AliasableExpression<string | number>> =
  {
    name: (eb) => eb.ref('accounts.name'),
    externalId: (eb) => eb.ref('accounts.external_id'),
    arr: (eb) => eb.ref('accounts.arr_minor'),
    renewalDate: (eb) => eb.fn.coalesce('accounts.renewal_date', sql.lit('9999-12-31')),
    goLiveDate: (eb) => eb.fn.coalesce('accounts.go_live_date', sql.lit('9999-12-31')),
    licensedSeats: (eb) => eb.fn.coalesce('accounts.licensed_seats', sql.lit(-1)),
    region: (eb) => eb.fn.coalesce('accounts.region', sql.lit('')),
    industry: (eb) => eb.fn.coalesce('accounts.industry', sql.lit('')),
    createdAt: (eb) => eb.ref('accounts.created_at'),
    updatedAt: (eb) => eb.ref('accounts.updated_at'),
    healthScore: (eb, { ctx, state, desc }) =>
      eb.fn.coalesce(state.healthScore(ctx, eb.ref('accounts.id')), sql.lit(NO_SCORE[desc ? 'desc' : 'asc'])),
    tier: (eb, env) => ranked(eb, env, 'tier'),
    stage: (eb, env) => ranked(eb, env, 'stage'),
  };

function ranked(eb: Eb, { ctx, state, desc, order }: SortEnv, key: RankedSort) {
  return eb.fn.coalesce(
    state.rank(ctx, key, order, eb.ref('accounts.id')),
    sql.lit(NO_RANK[desc ? 'desc' : 'asc']),
  );
}

export type AccountList = Page<AccountListItem> & { total?: number };

/**
 * Accounts by their own fields and their current state, paged by keyset on any sort. A free
 * condition (`where`) is answered by the state's owner over today's facts; the page is then cut
 * from the (id, sort value) pairs the other filters leave, so paging and totals stay exact.
 */
export async function listAccounts({
  ctx,
  input,
  state,
  customFieldFilters = [],
}: {
  ctx: Ctx;
  input: ListAccounts;
  state: AccountStateSource;
  customFieldFilters?: CustomFieldFilter[];
}): Promise<AccountList> {
  authorizeReadList(ctx);
  const q = input;
  const definitions = await loadDefinitions(ctx);
  const conditions = buildConditions(ctx, q, customFieldFilters, definitions, state);
  const matched = q.where === undefined ? undefined : await state.matching(ctx, parseWhere(q.where), 'where');
  const desc = q.sort.startsWith('-');
  const sortKey = q.sort.replace(/^-/, '') as AccountSort;
  const order = sortKey === 'tier' || sortKey === 'stage' ? await state.order(ctx, sortKey) : [];
  const sortExpr = (eb: Eb) => SORT_EXPRESSIONS[sortKey](eb, { ctx, state, desc, order });

  let keysQuery = ctx.db
    .selectFrom('accounts')
    .select((eb) => ['accounts.id', sortExpr(eb).as('sort_value')])
    .where((eb) => eb.and(conditions.map((c) => c(eb))));
  if (q.cursor) {
    const [value, id] = decodeCursor(q.cursor, [
      NUMERIC_SORTS.has(sortKey) ? 'number' : 'string',
      'string',
    ]) as [string | number, string];
    const op = desc ? '<' : '>';
    keysQuery = keysQuery.where((eb) => {
      const key = sortExpr(eb);
      return eb.or([eb(key, op, value), eb.and([eb(key, '=', value), eb('accounts.id', op, id)])]);
    });
  }
  keysQuery = keysQuery
    .orderBy((eb) => sortExpr(eb), desc ? 'desc' : 'asc')
    .orderBy('accounts.id', desc ? 'desc' : 'asc');
  // With a condition every remaining (id, sort value) pair is read and the matches kept in order:
  // cheap next to evaluating the condition, and exact where an `in (...)` of thousands of ids is not.
  const keys = matched
    ? (await keysQuery.execute()).filter((k) => matched.has(k.id))
    : await keysQuery.limit(q.limit + 1).execute();
  const pageKeys = keys.slice(0, q.limit);
  const pageIds = pageKeys.map((k) => k.id);
  const [rows, teams, states] = await Promise.all([
    pageIds.length
      ? ctx.db
          .selectFrom('accounts')
          .selectAll()
          .where('workspace_id', '=', ctx.workspace.id)
          .where('id', 'in', pageIds)
          .execute()
      : Promise.resolve([]),
    loadTeams(ctx, pageIds),
    state.load(ctx, pageIds),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const definedKeys = new Set(definitions.map((d) => d.key));
  const last = pageKeys.at(-1);
  const result: AccountList = {
    items: pageIds.flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      const account = accountRowToAccount(row, teams.get(id) ?? [], ctx.workspace.baseCurrency, definedKeys);
      return [{ ...account, state: states.get(id) ?? null }];
    }),
    nextCursor:
      keys.length > q.limit && last ? encodeCursor([sortValue(sortKey, last.sort_value), last.id]) : null,
  };
  if (q.includeTotal) {
    if (matched) {
      const ids = await ctx.db
        .selectFrom('accounts')
        .select('accounts.id')
        .where((eb) => eb.and(conditions.map((c) => c(eb))))
        .execute();
      result.total = ids.filter((r) => matched.has(r.id)).length;
    } else {
      const count = await ctx.db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) => eb.and(conditions.map((c) => c(eb))))
        .executeTakeFirstOrThrow();
      result.total = Number(count.n);
    }
  }
  return result;
}

/** Numbers come back as strings from some PostgreSQL expressions; the cursor keeps the sort's type. */
function sortValue(key: AccountSort, value: unknown): string | number {
  return NUMERIC_SORTS.has(key) ? Number(value) : String(value);
}
const NUMERIC_SORTS = new Set<AccountSort>(['arr', 'licensedSeats', 'healthScore', 'tier', 'stage']);

/** `where` is the condition's text, or its JSON tree when it starts with `{`. */
function parseWhere(where: string): unknown {
  if (!where.startsWith('{')) return where;
  try {
    return JSON.parse(where) as unknown;
  } catch {
    throw new AppError('validation_failed', msg('list.badConditionJson', { path: 'where' }), {
      issues: [{ path: 'where', message: 'not valid JSON' }],
    });
  }
}

type Condition = (eb: Eb) => Expression<SqlBool>;

function buildConditions(
  ctx: Ctx,
  q: ListAccounts,
  customFieldFilters: CustomFieldFilter[],
  definitions: readonly CustomFieldDefinitionsTable[],
  state: AccountStateSource,
): Condition[] {
  const { engine } = ctx;
  const base = ctx.workspace.baseCurrency;
  const c: Condition[] = [(eb) => eb('accounts.workspace_id', '=', ctx.workspace.id)];
  // Only what the actor may read (read-scope.ts decides, for every list and search).
  const readable = accountReadFilter(ctx, sql.ref<string>('accounts.id'));
  if (readable) c.push(() => readable);
  if (q.q) {
    const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    c.push(() => sql<SqlBool>`search_text like ${like} escape '\\'`);
  }
  if (q.externalId) c.push((eb) => eb('external_id', '=', q.externalId!));
  if (q.ownerId === 'none') c.push((eb) => eb('owner_id', 'is', null));
  else if (q.ownerId) c.push((eb) => eb('owner_id', '=', q.ownerId!));
  if (q.memberId) {
    const userId = q.memberId;
    c.push((eb) => onAccountTeam(userId, eb.ref('accounts.id')));
  }
  if (q.parentId === 'none') c.push((eb) => eb('parent_id', 'is', null));
  else if (q.parentId) c.push((eb) => eb('parent_id', '=', q.parentId!));
  if (q.region?.length) c.push((eb) => eb('region', 'in', q.region!));
  if (q.industry?.length) c.push((eb) => eb('industry', 'in', q.industry!));
  for (const tag of q.tag ?? []) c.push((eb) => jsonArrayContains(engine, eb.ref('tags'), tag) as never);
  if (q.productLine?.length) {
    const lines = q.productLine;
    c.push((eb) => eb.or(lines.map((l) => jsonArrayContains(engine, eb.ref('product_lines'), l) as never)));
  }
  if (q.arrMin !== undefined) c.push((eb) => eb('arr_minor', '>=', toMinor(q.arrMin!, base)));
  if (q.arrMax !== undefined) c.push((eb) => eb('arr_minor', '<=', toMinor(q.arrMax!, base)));
  if (q.seatsMin !== undefined) c.push((eb) => eb('licensed_seats', '>=', q.seatsMin!));
  if (q.seatsMax !== undefined) c.push((eb) => eb('licensed_seats', '<=', q.seatsMax!));
  if (q.renewalFrom) c.push((eb) => eb('renewal_date', '>=', q.renewalFrom!));
  if (q.renewalTo) c.push((eb) => eb('renewal_date', '<=', q.renewalTo!));
  if (q.goLiveFrom) c.push((eb) => eb('go_live_date', '>=', q.goLiveFrom!));
  if (q.goLiveTo) c.push((eb) => eb('go_live_date', '<=', q.goLiveTo!));
  if (q.renewalWithinDays !== undefined) {
    const from = today(ctx);
    const to = addDays(from, q.renewalWithinDays);
    c.push((eb) => eb.and([eb('renewal_date', '>=', from), eb('renewal_date', '<=', to)]));
  }
  const stateFilter = { health: q.health, tier: q.tier, stage: q.stage, segment: q.segment };
  if (Object.values(stateFilter).some((v) => v?.length)) {
    c.push((eb) => state.where(ctx, stateFilter, eb.ref('accounts.id')));
  }

  if (customFieldFilters.length) {
    const defs = new Map(definitions.map((d) => [d.key, d]));
    for (const f of customFieldFilters) {
      const def = defs.get(f.key);
      const path = `cf.${f.key}${f.op === 'eq' ? '' : `.${f.op}`}`;
      if (!def) throw invalidField(path, msg('list.error.unknownCustomField'), 'query');
      const op = f.op === 'eq' ? '=' : f.op === 'gte' ? '>=' : '<=';
      if (def.type === 'multi_select') {
        if (f.op !== 'eq') {
          throw invalidField(path, msg('list.error.multiSelectEquality'), 'query');
        }
        c.push((eb) => jsonKeyArrayContains(engine, eb.ref('custom_fields'), f.key, f.value) as never);
      } else if (def.type === 'number') {
        const n = Number(f.value);
        if (!Number.isFinite(n)) throw invalidField(path, msg('list.error.notANumber'), 'query');
        // Strict: a value stored under an earlier, non-number definition of the key is skipped
        // (a cast would fail on PostgreSQL; SQLite would compare text above every number).
        c.push((eb) => eb(jsonStrictNumber(engine, eb.ref('custom_fields'), f.key), op, n));
      } else if (def.type === 'boolean') {
        // Stored as JSON true/false: json_extract yields 1/0 on SQLite, ->> yields 'true'/'false' on PostgreSQL.
        const value = ['true', '1', 'yes'].includes(f.value.toLowerCase());
        c.push((eb) =>
          eb(
            jsonText(engine, eb.ref('custom_fields'), f.key),
            '=',
            engine === 'sqlite' ? ((value ? 1 : 0) as never) : String(value),
          ),
        );
      } else {
        c.push((eb) => eb(jsonText(engine, eb.ref('custom_fields'), f.key), op, f.value));
      }
    }
  }
  return c;
}

export type AccountFacets = {
  regions: string[];
  industries: string[];
  tags: string[];
  owners: { id: string; name: string }[];
};

/**
 * The values the list's pickers offer: the regions, industries, tags and owners of the accounts the
 * actor may read. Distinct values over the workspace's accounts (one index-ordered pass each).
 */
export async function accountFacets(ctx: Ctx): Promise<AccountFacets> {
  authorizeReadList(ctx);
  const readable = accountReadFilter(ctx, sql.ref<string>('accounts.id'));
  const base = () => {
    const q = ctx.db.selectFrom('accounts').where('accounts.workspace_id', '=', ctx.workspace.id);
    return readable ? q.where(() => readable) : q;
  };
  const distinct = async (column: 'region' | 'industry' | 'owner_id') =>
    (
      await base()
        .select(sql<string>`${sql.ref(`accounts.${column}`)}`.as('value'))
        .distinct()
        .where(sql.ref(`accounts.${column}`), 'is not', null)
        .orderBy('value')
        .execute()
    ).map((r) => String(r.value));
  const tags = async () =>
    (
      await sql<{ value: string }>`select distinct tag.value as value
        from accounts, ${jsonArrayTable(ctx.engine, sql.ref('accounts.tags'), 'tag')}
        where accounts.workspace_id = ${ctx.workspace.id} ${readable ? sql`and ${readable}` : sql``}
        order by 1`.execute(ctx.db)
    ).rows.map((r) => String(r.value));
  const [regions, industries, ownerIds, tagValues] = await Promise.all([
    distinct('region'),
    distinct('industry'),
    distinct('owner_id'),
    tags(),
  ]);
  const names = await userNames(ctx, ownerIds);
  return {
    regions,
    industries,
    tags: tagValues,
    owners: ownerIds
      .map((id) => ({ id, name: names.get(id) ?? id }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
