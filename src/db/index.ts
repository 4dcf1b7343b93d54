import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseTarget } from '../config.ts';
import type { Engine } from './dialect.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export type DbHandle = { db: Db; engine: Engine; close: () => Promise<void> };

// pg returns int8 and numeric as strings to avoid precision loss; our counts and money in minor
// units stay far below 2^53, so numbers are safe and both engines then return the same types.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v));

export type OpenOptions = {
  poolSize?: number;
  /**
   * PostgreSQL: every transaction read-only (the replica pool: a standby refuses writes anyway, and
   * a replica URL that points at a primary by mistake must not take writes either).
   */
  readOnly?: boolean;
};

/**
 * Planner statistics, gathered where missing or stale (SQLite's `PRAGMA optimize`, sampling at most
 * `analysis_limit` rows an index, so it stays quick at any size). Without them SQLite guesses each
 * index's selectivity and can search a workspace-wide index where a per-account one exists. Run
 * when the process opens the database (after migrations) and hourly (jobs/schedule.ts); PostgreSQL's
 * autovacuum keeps its own statistics.
 */
export async function optimizeDatabase(db: Db, engine: Engine): Promise<void> {
  if (engine !== 'sqlite') return;
  await sql`pragma analysis_limit = 1000`.execute(db);
  // 0x10002: every table, not only those this connection has queried (it may have queried none).
  await sql`pragma optimize = 0x10002`.execute(db);
}

export function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): DbHandle {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: options.poolSize ?? 10,
      // Shown in pg_stat_activity, so an operator (and the multi-node test) sees which pool is which.
      application_name: options.readOnly ? 'steward-read' : 'steward',
      ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  if (target.file !== ':memory:') mkdirSync(dirname(target.file), { recursive: true });
  const sqlite = new SQLite(target.file);
  // WAL lets readers (and worker threads with their own connection) run beside the one writer;
  // busy_timeout makes a second writer wait instead of failing at once.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // Statement journals and sorter spills in memory, not temp files: a multi-row upsert inside a
  // transaction (every ingest batch) otherwise writes a temp file as large as its changes.
  sqlite.pragma('temp_store = MEMORY');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
  return { db, engine: 'sqlite', close: () => db.destroy() };
}

/** How many prepared statements a SQLite connection keeps (the app issues a few hundred shapes). */
const STATEMENT_CACHE = 500;

/**
 * The connection as Kysely sees it, with prepared statements kept by SQL text: Kysely prepares
 * every query again on each call, which costs better-sqlite3 about a seventh of the CPU of a
 * query-heavy run (the demo build's profile). Least recently used statements go first; a
 * statement still being iterated (a streamed query) is not handed out twice.
 */
export function cachingStatements(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = sqlite.prepare(sql);
      if (!hit) {
        cache.set(sql, statement);
        if (cache.size > STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
  };
}
