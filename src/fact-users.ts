// Who reads a fact: a metric or custom field in use by a segment, a tiering scheme, a lifecycle
// stage, a rule or a health model cannot be deleted (409 naming them), since the
// definition would then silently match nothing. The modules that store conditions each answer for
// their own tables (`…ReadingFacts`); app.ts composes them and hands the one function to the
// routes that delete metrics and custom fields, which sit to the left of those modules.
import type { Ctx } from './context.ts';
import { conflict } from './errors.ts';
import { type Message, msg } from './i18n/index.ts';

export type FactUserKind = 'segment' | 'tieringScheme' | 'stage' | 'rule' | 'healthModel';
export type FactUser = { kind: FactUserKind; id: string; name: string };

/** Which facts are asked about: a SQL LIKE to narrow the rows, and the exact test on their text. */
export type FactReads = { like: string; matches: (storedJson: string) => boolean };
export type FactUsers = (ctx: Ctx, reads: FactReads) => Promise<FactUser[]>;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Facts whose key starts with `prefix` (`metrics.logins.`) or equals `key` (`cf.region`, not
 * `cf.region_2`), wherever a stored definition names them (conditions as trees or text, tier
 * composites, health components, triggers).
 */
export function factReads(what: { prefix: string } | { key: string }): FactReads {
  const text = 'prefix' in what ? what.prefix : what.key;
  const pattern = new RegExp(`(?<![\\w.])${escapeRegExp(text)}${'prefix' in what ? '' : '(?![\\w.])'}`);
  // Keys are [a-z0-9_.]: `_` in the LIKE matches any one character, which the test then rules out.
  return { like: `%${text}%`, matches: (json) => pattern.test(json) };
}

/** The rows (read by their owning module with `reads.like` on `columns`) that really name the facts. */
export function factUsersAmong<R extends { id: string; name: string }>(
  kind: FactUserKind,
  rows: readonly R[],
  columns: readonly (keyof R)[],
  reads: FactReads,
): FactUser[] {
  return rows
    .filter((r) => columns.some((c) => typeof r[c] === 'string' && reads.matches(r[c] as string)))
    .map((r) => ({ kind, id: r.id, name: r.name }));
}

/**
 * Throws 409 naming who still reads the facts (the first by name, with how many more; every one in
 * `details.users`), so a definition is never left reading a fact that no longer exists.
 */
export async function refuseWhileRead(
  ctx: Ctx,
  factUsers: FactUsers | undefined,
  reads: FactReads,
  what: { kind: Message; name: string },
): Promise<void> {
  const users = factUsers ? await factUsers(ctx, reads) : [];
  const [first] = users;
  if (!first) return;
  const user = msg('error.factUser', { kind: msg(`factUser.${first.kind}`), name: first.name });
  throw conflict(
    users.length === 1
      ? msg('error.factInUse', { what: what.kind, name: what.name, user })
      : msg('error.factInUseMore', { what: what.kind, name: what.name, user, more: users.length - 1 }),
    { users },
  );
}
