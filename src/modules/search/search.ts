// Global search (Ctrl/⌘-K in the app): accounts, contacts, tasks and requests matching a text, each
// group from its owning module's search helper (one LIKE each over stored, lower-cased texts; names
// also in pinyin and pinyin initials), scoped to the accounts the actor may read.
import { z } from '@hono/zod-openapi';
import type { Ctx } from '../../context.ts';
import { accountRefs, authorizeReadList, searchAccounts, searchContacts } from '../accounts/index.ts';
import { searchRequests } from '../requests/index.ts';
import { searchTasks } from '../tasks/index.ts';

export const SearchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .describe('What to look for: a name, email, phone, WeChat id, pinyin (zw, zhangwei), title or #number'),
  limit: z.coerce.number().int().min(1).max(20).default(5).describe('At most this many results per group'),
});
export type SearchQuery = z.input<typeof SearchQuery>;

const withAccount = { accountId: z.string(), accountName: z.string() };

export const SearchResults = z.object({
  q: z.string(),
  accounts: z.array(z.object({ id: z.string(), name: z.string(), externalId: z.string() })),
  contacts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      wechatId: z.string().nullable(),
      ...withAccount,
    }),
  ),
  tasks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z.string(),
      dueDate: z.string().nullable(),
      ...withAccount,
    }),
  ),
  requests: z.array(
    z.object({ id: z.string(), number: z.number(), title: z.string(), status: z.string(), ...withAccount }),
  ),
});
export type SearchResults = z.infer<typeof SearchResults>;

export async function search({ ctx, input }: { ctx: Ctx; input: SearchQuery }): Promise<SearchResults> {
  authorizeReadList(ctx);
  const { q, limit } = SearchQuery.parse(input);
  const [accounts, contacts, tasks, requests] = await Promise.all([
    searchAccounts(ctx, q, limit),
    searchContacts(ctx, q, limit),
    searchTasks(ctx, q, limit),
    searchRequests(ctx, q, limit),
  ]);
  // Names of the tasks' and requests' accounts: one IN query for the page.
  const refs = await accountRefs(
    ctx,
    [...tasks, ...requests].map((h) => h.accountId),
  );
  const named = <T extends { accountId: string }>(hits: T[]) =>
    hits.flatMap((h) => {
      const ref = refs.get(h.accountId);
      return ref ? [{ ...h, accountName: ref.name }] : [];
    });
  return { q, accounts, contacts, tasks: named(tasks), requests: named(requests) };
}
