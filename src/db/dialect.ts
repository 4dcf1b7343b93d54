// Every difference between SQLite and PostgreSQL lives here and nowhere else. Queries elsewhere are
// written once through Kysely; they call these helpers where the engines disagree.
import { type Expression, PostgresAdapter, type RawBuilder, sql } from 'kysely';

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

const UNIQUE_VIOLATION = { sqlite: 'SQLITE_CONSTRAINT_UNIQUE', postgres: '23505' } as const;

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === UNIQUE_VIOLATION.sqlite || code === UNIQUE_VIOLATION.postgres;
}

/** Transient failures (locked database, lost connection) that a client may retry. */
export function isTransient(error: unknown): boolean {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  return (
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_LOCKED' ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === '57P01' || // admin_shutdown
    code === '53300' || // too_many_connections
    code === '40001' // serialization_failure
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

/** The larger of two numbers (SQLite's scalar max, PostgreSQL's greatest). */
export function greatest(engine: Engine, a: Expression<unknown>, b: Expression<unknown>): RawBuilder<number> {
  return engine === 'postgres' ? sql<number>`greatest(${a}, ${b})` : sql<number>`max(${a}, ${b})`;
}
