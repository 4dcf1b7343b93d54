import { type Expression, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { jsonArrayContains } from '../../db/dialect.ts';
import { decodeCursor, encodeCursor } from '../../pagination.ts';
import {
  AccountStateColumns,
  type AccountStateFilter,
  type AccountStateSource,
  accountsView,
  countAccounts,
  readableAccount,
  readableAccountsView,
} from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import { loadCurrentStates } from './reads.ts';

// Each account's current derived state (health, tier, stage, segments as of the last recompute)
// read from account_states through its (workspace_id, column) indexes: what the workbench counts
// and the accounts list filters on. A segment preview evaluates a condition over every account's
// facts instead, which is right for a what-if but costs seconds per call on 20,000 accounts.

/** Above any real 7-day change of a 0-100 score. */
const NO_TREND = 1_000_000;

const optionalText = z.string().trim().min(1).max(200).optional();

export const AccountStatesQuery = z.object({
  ownerId: optionalText,
  health: optionalText.describe('Health status key, e.g. danger'),
  tier: optionalText,
  stage: optionalText.describe('Lifecycle stage key'),
  segment: optionalText.describe('Saved segment key'),
  accountIds: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? [
            ...new Set(
              v
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean),
            ),
          ]
        : undefined,
    )
    .pipe(z.array(z.string()).max(500, 'at most 500 account ids').optional())
    .describe('Comma-separated account ids: these accounts only (a page of a list, one account 360)'),
  trendBelow: z.coerce
    .number()
    .optional()
    .describe('Only accounts whose health score changed by less than this over 7 days, e.g. -5'),
  sort: z
    .enum(['name', 'healthTrend7d'])
    .default('name')
    .describe('name, or healthTrend7d: the biggest 7-day drop first (accounts without a trend last)'),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  includeTotal: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
export type AccountStatesQuery = z.output<typeof AccountStatesQuery>;

/** A row of the account-states list: the account's ids and name with its state columns. */
export const AccountState = z
  .object({
    accountId: z.string(),
    externalId: z.string(),
    name: z.string(),
    ownerId: z.string().nullable(),
  })
  .extend(AccountStateColumns.shape);
export type AccountState = z.infer<typeof AccountState>;

export const AccountStatesSummaryQuery = z.object({ ownerId: optionalText });
export type AccountStatesSummaryQuery = z.output<typeof AccountStatesSummaryQuery>;

/**
 * A health status band as the health models define it (health's StatusBand). The caller passes
 * them in: health reads this module's state, so this module does not import health.
 */
export const SummaryBand = z.object({
  key: z.string(),
  label: z.object({ 'zh-CN': z.string(), en: z.string() }),
  color: z.string(),
  min: z.number(),
});
export type SummaryBand = z.infer<typeof SummaryBand>;

export const AccountStatesSummary = z.object({
  day: z.string().nullable().describe('Day of the latest recompute among these accounts'),
  accounts: z.number().describe('Accounts in scope, with or without a computed state'),
  bands: z.array(SummaryBand).describe('Status bands of the health models in use, best first'),
  health: z.array(z.object({ status: z.string().nullable(), count: z.number() })),
  tiers: z.array(z.object({ tier: z.string().nullable(), count: z.number() })),
  stages: z.array(z.object({ stage: z.string().nullable(), count: z.number() })),
});
export type AccountStatesSummary = z.infer<typeof AccountStatesSummary>;

function scoped(ctx: Ctx, ownerId: string | undefined) {
  let q = ctx.db
    .selectFrom('account_states as s')
    .innerJoin(readableAccountsView(ctx).as('a'), (j) => j.onRef('a.id', '=', 's.account_id'))
    .where('s.workspace_id', '=', ctx.workspace.id);
  if (ownerId) q = q.where('a.owner_id', '=', ownerId);
  return q;
}

/** Accounts by their current state (health status, tier, stage, segment), by name, paged. */
export async function listAccountStates({ ctx, input }: { ctx: Ctx; input: AccountStatesQuery }) {
  await authorize(ctx, 'read');
  let q = scoped(ctx, input.ownerId);
  if (input.health) q = q.where('s.health_status', '=', input.health);
  if (input.tier) q = q.where('s.tier', '=', input.tier);
  if (input.stage) q = q.where('s.stage', '=', input.stage);
  // The stored membership (keys, as the recompute wrote them), not segment_members: that table is
  // the segments module's, and both are written from the same result.
  if (input.segment) q = q.where(jsonArrayContains(ctx.engine, sql.ref('s.segments'), input.segment));
  if (input.accountIds) q = q.where('s.account_id', 'in', input.accountIds.length ? input.accountIds : ['']);
  if (input.trendBelow !== undefined) q = q.where('s.health_trend_7d', '<', input.trendBelow);
  const filtered = q;
  // Keyset paging on (sort value, account id); a missing trend sorts last through a sentinel.
  const byTrend = input.sort === 'healthTrend7d';
  const sortExpr = byTrend ? sql<number>`coalesce(s.health_trend_7d, ${NO_TREND})` : sql<string>`a.name`;
  if (input.cursor) {
    const [value, id] = decodeCursor(input.cursor, [byTrend ? 'number' : 'string', 'string']) as [
      string | number,
      string,
    ];
    q = q.where((eb) =>
      eb.or([eb(sortExpr, '>', value), eb.and([eb(sortExpr, '=', value), eb('s.account_id', '>', id)])]),
    );
  }
  const rows = await q
    .select([
      's.account_id',
      'a.external_id',
      'a.name',
      'a.owner_id',
      's.day',
      's.health_score',
      's.health_status',
      's.health_trend_7d',
      's.tier',
      's.stage',
      's.stage_since',
      's.segments',
    ])
    .orderBy(sortExpr)
    .orderBy('s.account_id')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  const lastValue =
    last && (byTrend ? (last.health_trend_7d === null ? NO_TREND : Number(last.health_trend_7d)) : last.name);
  const result: { items: AccountState[]; nextCursor: string | null; total?: number } = {
    items: page.map((r) => ({
      accountId: r.account_id,
      externalId: r.external_id,
      name: r.name,
      ownerId: r.owner_id,
      day: r.day,
      healthScore: r.health_score === null ? null : Number(r.health_score),
      healthStatus: r.health_status,
      healthTrend7d: r.health_trend_7d === null ? null : Number(r.health_trend_7d),
      tier: r.tier,
      stage: r.stage,
      stageSince: r.stage_since,
      segments: JSON.parse(r.segments) as string[],
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor([lastValue, last.account_id]) : null,
  };
  if (input.includeTotal) {
    const n = await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    result.total = Number(n.n);
  }
  return result;
}

/** How many accounts (all, or one owner's) are in each health status, tier and stage now. */
export async function summarizeAccountStates({
  ctx,
  input,
  bands,
}: {
  ctx: Ctx;
  input: AccountStatesSummaryQuery;
  /** Every health model's bands, first model first (the route asks health for them). */
  bands: (ctx: Ctx) => Promise<readonly SummaryBand[]>;
}): Promise<AccountStatesSummary> {
  await authorize(ctx, 'read');
  // One pass over the states: a row per (status, tier, stage) combination, a few dozen at most.
  // Everyone's accounts need no join; one owner's keep the states of that owner's accounts.
  let combos = ctx.db
    .selectFrom('account_states as s')
    .select(['s.health_status', 's.tier', 's.stage'])
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('s.day').as('day')])
    .where('s.workspace_id', '=', ctx.workspace.id)
    .where(readableAccount(ctx, 's.account_id'))
    .groupBy(['s.health_status', 's.tier', 's.stage']);
  if (input.ownerId) {
    const ownerId = input.ownerId;
    combos = combos.where(
      's.account_id',
      'in',
      ctx.db.selectFrom(accountsView(ctx).as('a')).select('a.id').where('a.owner_id', '=', ownerId),
    );
  }
  const rows = await combos.execute();
  const tally = (pick: (r: (typeof rows)[number]) => string | null) => {
    const counts = new Map<string | null, number>();
    for (const r of rows) counts.set(pick(r), (counts.get(pick(r)) ?? 0) + Number(r.n));
    return [...counts].map(([value, count]) => ({ value, count }));
  };
  const day = rows.reduce<string | null>((d, r) => {
    const v = r.day as string | null;
    return v && (!d || v > d) ? v : d;
  }, null);
  // Each status key once, from the first model that has it: its label and colour.
  const unique = new Map<string, SummaryBand>();
  for (const b of await bands(ctx)) if (!unique.has(b.key)) unique.set(b.key, b);
  const health = tally((r) => r.health_status);
  const tiers = tally((r) => r.tier);
  const stages = tally((r) => r.stage);
  return {
    day,
    accounts: await countAccounts(ctx, { ownerId: input.ownerId || undefined }),
    bands: [...unique.values()],
    health: health.map((r) => ({ status: r.value, count: r.count })),
    tiers: tiers.map((r) => ({ tier: r.value, count: r.count })),
    stages: stages.map((r) => ({ stage: r.value, count: r.count })),
  };
}

/**
 * The accounts list's view of the current state (filters, the health-score sort, each row's state
 * columns): the accounts module takes it as an argument so that it never reads account_states.
 * Condition matching is the evaluation batch's (segments' accountsMatching); app.ts puts the two
 * together.
 */
export const accountStateColumns: Omit<AccountStateSource, 'matching' | 'order'> = {
  where(ctx: Ctx, filter: AccountStateFilter, accountId: Expression<string>): Expression<SqlBool> {
    let q = ctx.db
      .selectFrom('account_states as st')
      .select('st.account_id')
      .where('st.workspace_id', '=', ctx.workspace.id)
      .where('st.account_id', '=', accountId);
    if (filter.health?.length) q = q.where('st.health_status', 'in', filter.health);
    if (filter.tier?.length) q = q.where('st.tier', 'in', filter.tier);
    if (filter.stage?.length) q = q.where('st.stage', 'in', filter.stage);
    for (const key of filter.segment ?? [])
      q = q.where((eb) => jsonArrayContains(ctx.engine, eb.ref('st.segments'), key) as never);
    return sql<SqlBool>`exists ${q}`;
  },

  healthScore(ctx: Ctx, accountId: Expression<string>): Expression<number | null> {
    return ctx.db
      .selectFrom('account_states as st')
      .select('st.health_score')
      .where('st.workspace_id', '=', ctx.workspace.id)
      .where('st.account_id', '=', accountId) as never;
  },

  rank(ctx: Ctx, key: 'tier' | 'stage', order: readonly string[], accountId: Expression<string>) {
    const column = sql.ref(`st.${key}`);
    const whens = order.map((value, i) => sql`when ${column} = ${value} then ${sql.lit(i)}`);
    // Values outside the order (a tier no longer in the scheme) after the known ones; null stays null.
    const rank = sql<
      number | null
    >`case ${sql.join(whens, sql` `)} when ${column} is not null then ${sql.lit(order.length)} end`;
    return ctx.db
      .selectFrom('account_states as st')
      .select(rank.as('rank'))
      .where('st.workspace_id', '=', ctx.workspace.id)
      .where('st.account_id', '=', accountId) as never;
  },

  async load(ctx: Ctx, accountIds: readonly string[]): Promise<Map<string, AccountStateColumns>> {
    const out = new Map<string, AccountStateColumns>();
    if (accountIds.length === 0) return out;
    for (const [id, s] of await loadCurrentStates(ctx, accountIds)) {
      const { day, healthScore, healthStatus, healthTrend7d, tier, stage, stageSince, segments } = s;
      out.set(id, { day, healthScore, healthStatus, healthTrend7d, tier, stage, stageSince, segments });
    }
    return out;
  },
};
