import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { takingTurns } from './taking-turns.ts';

/** Which of a long request (40 queries of 3 ms) and a short one (1 query) started just after ends first. */
async function finishOrder(turns: boolean) {
  const sqlite = new SQLite(':memory:');
  // A query that holds the thread as a real scan does.
  sqlite.function('spin', (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
    return ms;
  });
  const base = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: sqlite }) });
  const db = turns ? base.withPlugin(takingTurns(5)) : base;
  const done: string[] = [];
  const long = (async () => {
    for (let i = 0; i < 40; i++) await sql`select spin(3)`.execute(db);
    done.push('long');
  })();
  // The short request arrives as a message does: on a later turn of the event loop.
  const short = new Promise<void>((resolve) =>
    setImmediate(async () => {
      await sql`select 1`.execute(db);
      done.push('short');
      resolve();
    }),
  );
  await Promise.all([long, short]);
  await base.destroy();
  return done;
}

describe('taking turns', () => {
  it('lets a short request end while a long one on the same thread is still running', async () => {
    expect(await finishOrder(true)).toEqual(['short', 'long']);
  });
  it('(without it the short one waits for the whole long one)', async () => {
    expect(await finishOrder(false)).toEqual(['long', 'short']);
  });
});
