import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import { jsonArrayContains, jsonKeyArrayContains, jsonStrictNumber, jsonText } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { invalid } from '../../errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../pagination.ts';
import { authorize } from '../auth/index.ts';
import type { Account, AccountSort, CustomFieldFilter, ListAccounts } from './accounts.schemas.ts';
import type { CustomFieldDefinitionsTable } from './accounts.table.ts';
import { accountRowToAccount, loadTeams } from './accounts.ts';
import { toMinor } from './contract-math.ts';
import { loadDefinitions } from './custom-fields.ts';

type Eb = ExpressionBuilder<Database, 'accounts'>;

// Sort keys. Nullable columns sort through coalesce with a sentinel so NULLs land last when
// ascending on both engines (SQLite and PostgreSQL order NULLs differently by default) and the
// keyset cursor compares plain values.
const SORT_EXPRESSIONS: Record<AccountSort, (eb: Eb) => Expression<string | number>> = {
  name: (eb) => eb.ref('name'),
  externalId: (eb) => eb.ref('external_id'),
  arr: (eb) => eb.ref('arr_minor'),
  renewalDate: (eb) => eb.fn.coalesce('renewal_date', sql.lit('9999-12-31')),
  goLiveDate: (eb) => eb.fn.coalesce('go_live_date', sql.lit('9999-12-31')),
  licensedSeats: (eb) => eb.fn.coalesce('licensed_seats', sql.lit(-1)),
  region: (eb) => eb.fn.coalesce('region', sql.lit('')),
  industry: (eb) => eb.fn.coalesce('industry', sql.lit('')),
  createdAt: (eb) => eb.ref('created_at'),
  updatedAt: (eb) => eb.ref('updated_at'),
};

const SORT_VALUE: Record<AccountSort, (r: Database['accounts']) => string | number> = {
  name: (r) => r.name,
  externalId: (r) => r.external_id,
  arr: (r) => Number(r.arr_minor),
  renewalDate: (r) => r.renewal_date ?? '9999-12-31',
  goLiveDate: (r) => r.go_live_date ?? '9999-12-31',
  licensedSeats: (r) => r.licensed_seats ?? -1,
  region: (r) => r.region ?? '',
  industry: (r) => r.industry ?? '',
  createdAt: (r) => r.created_at,
  updatedAt: (r) => r.updated_at,
};

export type AccountList = Page<Account> & { total?: number };

export async function listAccounts({
  ctx,
  input,
  customFieldFilters = [],
}: {
  ctx: Ctx;
  input: ListAccounts;
  customFieldFilters?: CustomFieldFilter[];
}): Promise<AccountList> {
  await authorize(ctx, 'read');
  const q = input;
  const definitions = await loadDefinitions(ctx);
  const conditions = buildConditions(ctx, q, customFieldFilters, definitions);
  const desc = q.sort.startsWith('-');
  const sortKey = q.sort.replace(/^-/, '') as AccountSort;

  let query = ctx.db
    .selectFrom('accounts')
    .selectAll()
    .where((eb) => eb.and(conditions.map((c) => c(eb))));
  if (q.cursor) {
    const [value, id] = decodeCursor(q.cursor, 2) as [string | number, string];
    const op = desc ? '<' : '>';
    query = query.where((eb) => {
      const key = SORT_EXPRESSIONS[sortKey](eb);
      return eb.or([eb(key, op, value), eb.and([eb(key, '=', value), eb('id', op, id)])]);
    });
  }
  const rows = await query
    .orderBy((eb) => SORT_EXPRESSIONS[sortKey](eb), desc ? 'desc' : 'asc')
    .orderBy('id', desc ? 'desc' : 'asc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const teams = await loadTeams(
    ctx,
    page.map((r) => r.id),
  );
  const definedKeys = new Set(definitions.map((d) => d.key));
  const last = page.at(-1);
  const result: AccountList = {
    items: page.map((r) =>
      accountRowToAccount(r, teams.get(r.id) ?? [], ctx.workspace.baseCurrency, definedKeys),
    ),
    nextCursor: rows.length > q.limit && last ? encodeCursor([SORT_VALUE[sortKey](last), last.id]) : null,
  };
  if (q.includeTotal) {
    const count = await ctx.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.and(conditions.map((c) => c(eb))))
      .executeTakeFirstOrThrow();
    result.total = Number(count.n);
  }
  return result;
}

type Condition = (eb: Eb) => Expression<SqlBool>;

function buildConditions(
  ctx: Ctx,
  q: ListAccounts,
  customFieldFilters: CustomFieldFilter[],
  definitions: readonly CustomFieldDefinitionsTable[],
): Condition[] {
  const { engine } = ctx;
  const base = ctx.workspace.baseCurrency;
  const c: Condition[] = [(eb) => eb('accounts.workspace_id', '=', ctx.workspace.id)];
  if (q.q) {
    const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    c.push(() => sql<SqlBool>`search_text like ${like} escape '\\'`);
  }
  if (q.externalId) c.push((eb) => eb('external_id', '=', q.externalId!));
  if (q.ownerId === 'none') c.push((eb) => eb('owner_id', 'is', null));
  else if (q.ownerId) c.push((eb) => eb('owner_id', '=', q.ownerId!));
  if (q.memberId) {
    const userId = q.memberId;
    c.push((eb) =>
      eb.or([
        eb('owner_id', '=', userId),
        eb.exists(
          eb
            .selectFrom('account_members as m')
            .select('m.account_id')
            .whereRef('m.account_id', '=', 'accounts.id')
            .where('m.user_id', '=', userId),
        ),
      ]),
    );
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

  if (customFieldFilters.length) {
    const defs = new Map(definitions.map((d) => [d.key, d]));
    for (const f of customFieldFilters) {
      const def = defs.get(f.key);
      const path = `cf.${f.key}${f.op === 'eq' ? '' : `.${f.op}`}`;
      if (!def)
        throw invalid(`Unknown custom field in filter ${path}`, {
          issues: [{ path, message: 'no such custom field' }],
        });
      const op = f.op === 'eq' ? '=' : f.op === 'gte' ? '>=' : '<=';
      if (def.type === 'multi_select') {
        if (f.op !== 'eq') {
          throw invalid(`${path}: multi-select fields only filter by equality`, {
            issues: [{ path, message: 'multi-select fields only filter by equality' }],
          });
        }
        c.push((eb) => jsonKeyArrayContains(engine, eb.ref('custom_fields'), f.key, f.value) as never);
      } else if (def.type === 'number') {
        const n = Number(f.value);
        if (!Number.isFinite(n))
          throw invalid(`${path} must be a number`, { issues: [{ path, message: 'not a number' }] });
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
