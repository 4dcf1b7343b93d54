import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
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

export function openDatabase(target: DatabaseTarget, options: { poolSize?: number } = {}): DbHandle {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: options.poolSize ?? 10 });
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, engine: 'sqlite', close: () => db.destroy() };
}
