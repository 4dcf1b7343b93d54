// Every difference between SQLite and PostgreSQL lives here and nowhere else. Queries elsewhere are
// written once through Kysely; they call these helpers where the engines disagree.
import { type Expression, type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/**
 * JSON is stored as text on both engines (jsonb would differ in write and read paths); these
 * helpers read into it. `path` is a top-level key; keys are validated by callers against
 * definitions, and we still pass them as bound parameters.
 */
export function jsonText(
  engine: Engine,
  column: Expression<unknown>,
  key: string,
): RawBuilder<string | null> {
  return engine === 'sqlite'
    ? sql<string | null>`json_extract(${column}, ${`$."${key.replaceAll('"', '')}"`})`
    : sql<string | null>`(${column}::jsonb ->> ${key})`;
}

export function jsonNumber(
  engine: Engine,
  column: Expression<unknown>,
  key: string,
): RawBuilder<number | null> {
  return engine === 'sqlite'
    ? sql<number | null>`json_extract(${column}, ${`$."${key.replaceAll('"', '')}"`})`
    : sql<number | null>`((${column}::jsonb ->> ${key})::double precision)`;
}

/** True when the JSON array in `column` holds `value` (strings only: tags, product lines). */
export function jsonArrayContains(
  engine: Engine,
  column: Expression<unknown>,
  value: string,
): RawBuilder<boolean> {
  return engine === 'sqlite'
    ? sql<boolean>`exists (select 1 from json_each(${column}) where json_each.value = ${value})`
    : sql<boolean>`(${column}::jsonb ? ${value})`;
}

/** True when a JSON array (top-level key `key` of an object column) holds `value`. */
export function jsonKeyArrayContains(
  engine: Engine,
  column: Expression<unknown>,
  key: string,
  value: string,
): RawBuilder<boolean> {
  return engine === 'sqlite'
    ? sql<boolean>`exists (select 1 from json_each(${column}, ${`$."${key.replaceAll('"', '')}"`}) where json_each.value = ${value})`
    : sql<boolean>`((${column}::jsonb -> ${key}) ? ${value})`;
}

/** A table expression yielding one row per string element of a JSON array column, as `value`. */
export function jsonArrayElements(engine: Engine, column: Expression<unknown>): RawBuilder<unknown> {
  return engine === 'sqlite' ? sql`json_each(${column})` : sql`jsonb_array_elements_text(${column}::jsonb)`;
}

/** A JSON array column as a table source `alias` with one text column, `value` (a lateral join's right side). */
export function jsonArrayTable(
  engine: Engine,
  column: Expression<unknown>,
  alias: string,
): RawBuilder<unknown> {
  return engine === 'sqlite'
    ? sql`json_each(${column}) as ${sql.raw(alias)}`
    : sql`jsonb_array_elements_text(${column}::jsonb) as ${sql.raw(alias)}(value)`;
}

const UNIQUE_VIOLATION = { sqlite: 'SQLITE_CONSTRAINT_UNIQUE', postgres: '23505' } as const;

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === UNIQUE_VIOLATION.sqlite || code === UNIQUE_VIOLATION.postgres;
}

/** Transient failures (locked database, lost connection) that a client may retry. */
export function isTransient(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  return (
    // better-sqlite3 reports extended codes too: SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_TIMEOUT, SQLITE_LOCKED_SHAREDCACHE...
    code.startsWith('SQLITE_BUSY') ||
    code.startsWith('SQLITE_LOCKED') ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code.startsWith('08') || // connection_exception class
    code === '57P01' || // admin_shutdown
    code === '57P03' || // cannot_connect_now (starting up, recovering)
    code === '53300' || // too_many_connections
    code === '40001' || // serialization_failure
    code === '40P01' // deadlock_detected: concurrent batches upserting the same rows
  );
}

export function parseJson<T>(value: string | null | undefined, fallback: T): T {
  if (value === null || value === undefined || value === '') return fallback;
  return JSON.parse(value) as T;
}

/** Which engine a Kysely instance talks to (migrations receive a bare Kysely<unknown>). */
export function engineOf(db: { getExecutor(): { adapter: unknown } }): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * A top-level JSON value as text, the same on both engines: strings as-is, numbers in their JSON
 * spelling, booleans as 'true'/'false', null or missing as NULL. (SQLite's json_extract turns true
 * into 1, PostgreSQL's ->> into 'true'.)
 */
export function jsonScalarText(
  engine: Engine,
  column: Expression<unknown>,
  key: string,
): RawBuilder<string | null> {
  if (engine === 'postgres') return sql<string | null>`(${column}::jsonb ->> ${key})`;
  const path = `$."${key.replaceAll('"', '')}"`;
  return sql<
    string | null
  >`(case json_type(${column}, ${path}) when 'true' then 'true' when 'false' then 'false' when 'null' then null else cast(json_extract(${column}, ${path}) as text) end)`;
}

/**
 * A top-level JSON string as itself and a boolean as 'true'/'false'; NULL for numbers, objects,
 * arrays, null and missing keys. Metric filters compare numbers through jsonStrictNumber instead,
 * because the engines spell numbers differently as text (SQLite 1.0e+21, PostgreSQL
 * 1000000000000000000000, JavaScript 1e+21).
 */
export function jsonStringOrBoolText(
  engine: Engine,
  column: Expression<unknown>,
  key: string,
): RawBuilder<string | null> {
  if (engine === 'postgres') {
    return sql<
      string | null
    >`(case when jsonb_typeof(${column}::jsonb -> ${key}) in ('string', 'boolean') then ${column}::jsonb ->> ${key} end)`;
  }
  const path = `$."${key.replaceAll('"', '')}"`;
  return sql<
    string | null
  >`(case json_type(${column}, ${path}) when 'text' then json_extract(${column}, ${path}) when 'true' then 'true' when 'false' then 'false' end)`;
}

/** A top-level JSON value as a number when it is a JSON number, else NULL (never coerces "5"). */
export function jsonStrictNumber(
  engine: Engine,
  column: Expression<unknown>,
  key: string,
): RawBuilder<number | null> {
  if (engine === 'postgres') {
    return sql<
      number | null
    >`(case when jsonb_typeof(${column}::jsonb -> ${key}) = 'number' then (${column}::jsonb ->> ${key})::double precision end)`;
  }
  const path = `$."${key.replaceAll('"', '')}"`;
  return sql<
    number | null
  >`(case when json_type(${column}, ${path}) in ('integer', 'real') then json_extract(${column}, ${path}) end)`;
}

/** The Monday (ISO week start) of a 'YYYY-MM-DD' day, as 'YYYY-MM-DD'. */
export function weekStart(engine: Engine, day: Expression<unknown>): RawBuilder<string> {
  return engine === 'postgres'
    ? sql<string>`to_char(date_trunc('week', (${day})::date), 'YYYY-MM-DD')`
    : sql<string>`date(${day}, 'weekday 0', '-6 days')`;
}

/** The larger of two numbers (SQLite's scalar max, PostgreSQL's greatest). */
export function greatest(engine: Engine, a: Expression<unknown>, b: Expression<unknown>): RawBuilder<number> {
  return engine === 'postgres' ? sql<number>`greatest(${a}, ${b})` : sql<number>`max(${a}, ${b})`;
}

/**
 * PostgreSQL only (SQLite tables are not partitioned): makes sure `table` has a partition for each
 * given month ('YYYY-MM', ranges on its `day` text column). Rows already sitting in the default
 * partition for that month are moved into the new partition in the same transaction, since
 * PostgreSQL refuses to attach a range the default partition still holds. Returns created names.
 */
export async function ensureMonthlyPartitions(
  // biome-ignore lint/suspicious/noExplicitAny: the partitioned tables are named at run time
  db: Kysely<any>,
  engine: Engine,
  table: string,
  months: readonly string[],
): Promise<string[]> {
  if (engine !== 'postgres') return [];
  const created: string[] = [];
  for (const month of months) {
    if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`bad month ${month}`);
    const name = `${table}_${month.replace('-', '_')}`;
    const exists = await sql<{
      n: number;
    }>`select count(*)::int as n from pg_class where relname = ${name}`.execute(db);
    if (exists.rows[0]!.n > 0) continue;
    const [y, m] = month.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    const from = `${month}-01`;
    const to = `${next}-01`;
    await db.transaction().execute(async (trx) => {
      await sql
        .raw(`create table ${name} (like ${table} including defaults including constraints)`)
        .execute(trx);
      await sql
        .raw(
          `with moved as (delete from ${table}_default where day >= '${from}' and day < '${to}' returning *) insert into ${name} select * from moved`,
        )
        .execute(trx);
      await sql
        .raw(`alter table ${table} attach partition ${name} for values from ('${from}') to ('${to}')`)
        .execute(trx);
    });
    created.push(name);
  }
  return created;
}
