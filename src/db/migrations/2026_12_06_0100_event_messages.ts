import type { Kysely } from 'kysely';

// Texts about events are stored as a message key and its parameters (JSON) beside the text column,
// and rendered in the reader's language on read, so switching language re-renders history. The
// text columns stay: old rows (plain English titles) keep theirs, search and sort keep working, and
// a user's own words (a note's title, a task typed by hand) have no message.
const COLUMNS = [
  ['timeline_entries', 'title_message'],
  ['timeline_entries', 'body_message'],
  ['tasks', 'title_message'],
  ['tasks', 'description_message'],
  ['notifications', 'title_message'],
  ['notifications', 'body_message'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of COLUMNS)
    await db.schema.alterTable(table).addColumn(column, 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of COLUMNS) await db.schema.alterTable(table).dropColumn(column).execute();
}
