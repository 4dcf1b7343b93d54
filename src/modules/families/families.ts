// The family view of Account 360: the account's whole family (from its top ancestor down), each
// account with its own figures, and the family totals the facts roll up (facts/family-facts.ts).
import { z } from '@hono/zod-openapi';
import type { Ctx } from '../../context.ts';
import { today } from '../../time.ts';
import { accountParentLinks, accountRefs, getAccountRef, readableAccountIds } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import { loadEvaluationBatch } from '../facts/evaluation-batch.ts';
import { familyClosure } from '../facts/family-facts.ts';

const Member = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  /** 0 for the top of the family. */
  depth: z.number(),
  arr: z.number().nullable(),
  licensedSeats: z.number().nullable(),
  activeUsers30d: z.number().nullable(),
  healthScore: z.number().nullable(),
  healthStatus: z.string().nullable(),
  renewalDate: z.string().nullable(),
  daysToRenewal: z.number().nullable(),
});
export const AccountFamily = z
  .object({
    rootId: z.string(),
    /** Depth first, children by name. Accounts the caller may not read are left out. */
    accounts: z.array(Member),
    totals: z.object({
      accounts: z.number(),
      arr: z.number(),
      licensedSeats: z.number(),
      activeUsers30d: z.number(),
      healthWorst: z.number().nullable(),
      healthWeighted: z.number().nullable(),
      renewals90d: z.number(),
      renewalArr90d: z.number(),
    }),
    currency: z.string(),
  })
  .openapi('AccountFamily');
export type AccountFamily = z.infer<typeof AccountFamily>;

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function getAccountFamily({
  ctx,
  accountId,
}: {
  ctx: Ctx;
  accountId: string;
}): Promise<AccountFamily> {
  await authorize(ctx, 'read');
  await getAccountRef(ctx, accountId);
  const links = await accountParentLinks(ctx);
  let rootId = accountId;
  const seen = new Set<string>([rootId]);
  for (let parent = links.get(rootId); parent && !seen.has(parent); parent = links.get(rootId)) {
    seen.add(parent);
    rootId = parent;
  }
  const ids = familyClosure([rootId], links);
  const batch = await loadEvaluationBatch(ctx, today(ctx), [], { accountIds: ids });
  const readable = await readableAccountIds(ctx);
  const names = await accountRefs(ctx, ids);
  const children = new Map<string, string[]>();
  for (const id of ids) {
    const p = links.get(id);
    if (p && id !== rootId) children.set(p, [...(children.get(p) ?? []), id]);
  }
  const accounts: AccountFamily['accounts'] = [];
  const walk = (id: string, depth: number) => {
    const f = batch.facts.get(id);
    if (f && (!readable || readable.has(id)))
      accounts.push({
        id,
        name: names.get(id)?.name ?? '',
        parentId: links.get(id) ?? null,
        depth,
        arr: num(f.arr),
        licensedSeats: num(f.licensed_seats),
        activeUsers30d: num(f.active_users_30d),
        healthScore: num(f['health.score']),
        healthStatus: typeof f['health.status'] === 'string' ? (f['health.status'] as string) : null,
        renewalDate: typeof f.renewal_date === 'string' ? f.renewal_date : null,
        daysToRenewal: num(f.days_to_renewal),
      });
    const kids = (children.get(id) ?? []).sort((a, b) =>
      (names.get(a)?.name ?? '').localeCompare(names.get(b)?.name ?? ''),
    );
    for (const c of kids) walk(c, depth + 1);
  };
  walk(rootId, 0);
  const root = batch.facts.get(rootId) ?? {};
  const only = num(root['family.accounts']) === null;
  return {
    rootId,
    accounts,
    totals: {
      accounts: only ? 1 : (num(root['family.accounts']) ?? 1),
      arr: only ? (num(root.arr) ?? 0) : (num(root['family.arr']) ?? 0),
      licensedSeats: only ? (num(root.licensed_seats) ?? 0) : (num(root['family.licensed_seats']) ?? 0),
      activeUsers30d: only ? (num(root.active_users_30d) ?? 0) : (num(root['family.active_users_30d']) ?? 0),
      healthWorst: only ? num(root['health.score']) : num(root['family.health_worst']),
      healthWeighted: only ? num(root['health.score']) : num(root['family.health_weighted']),
      renewals90d: only
        ? (num(root.days_to_renewal) ?? -1) >= 0 && (num(root.days_to_renewal) ?? 999) <= 90
          ? 1
          : 0
        : (num(root['family.renewals_90d']) ?? 0),
      renewalArr90d: only ? 0 : (num(root['family.renewal_arr_90d']) ?? 0),
    },
    currency: ctx.workspace.baseCurrency,
  };
}
