import { z } from '@hono/zod-openapi';
import { isValidDay } from '../../time.ts';

export const TEAM_ROLES = ['csm', 'ae', 'support', 'analyst', 'executive_sponsor'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const Day = z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD');

const Label = z.string().trim().min(1).max(100);
const uniqueList = (max: number) =>
  z
    .array(Label)
    .max(max)
    .transform((l) => [...new Set(l)]);

export const TeamRole = z.enum(TEAM_ROLES).openapi('TeamRole');
export const TeamMember = z.object({ userId: z.string().min(1), role: TeamRole });
export type TeamMember = z.infer<typeof TeamMember>;

export const Account = z.object({
  id: z.string(),
  externalId: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  ownerId: z.string().nullable(),
  region: z.string().nullable(),
  industry: z.string().nullable(),
  productLines: z.array(z.string()),
  licensedSeats: z.number().nullable(),
  goLiveDate: z.string().nullable(),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.unknown()),
  team: z.array(TeamMember),
  /** Current annual and monthly recurring revenue in the workspace's base currency. */
  arr: z.number(),
  mrr: z.number(),
  currency: z.string(),
  renewalDate: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Account = z.infer<typeof Account>;

const accountFields = {
  externalId: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(300),
  parentId: z.string().min(1).nullable(),
  ownerId: z.string().min(1).nullable(),
  region: z.string().trim().max(100).nullable(),
  industry: z.string().trim().max(100).nullable(),
  productLines: uniqueList(50),
  licensedSeats: z.number().int().min(0).max(10_000_000).nullable(),
  goLiveDate: Day.nullable(),
  tags: uniqueList(100),
  customFields: z.record(z.string(), z.unknown()),
  team: z.array(TeamMember).max(100),
};

export const CreateAccount = z.object(accountFields).partial().required({ externalId: true, name: true });
export type CreateAccount = z.input<typeof CreateAccount>;

export const UpdateAccount = z.object(accountFields).partial();
export type UpdateAccount = z.input<typeof UpdateAccount>;

export const BulkUpdateAccounts = z
  .object({
    ids: z.array(z.string().min(1)).min(1).max(1000),
    ownerId: z.string().min(1).nullable().optional(),
    addTags: uniqueList(100).optional(),
    removeTags: uniqueList(100).optional(),
    /** Puts this user in this team role, in place of whoever held the role. */
    teamRole: TeamMember.optional(),
  })
  .refine((b) => b.ownerId !== undefined || b.addTags?.length || b.removeTags?.length || b.teamRole, {
    message: 'set at least one of ownerId, addTags, removeTags, teamRole',
  });
export type BulkUpdateAccounts = z.input<typeof BulkUpdateAccounts>;

export const ACCOUNT_SORTS = [
  'name',
  'externalId',
  'arr',
  'renewalDate',
  'goLiveDate',
  'licensedSeats',
  'region',
  'industry',
  'createdAt',
  'updatedAt',
  'healthScore',
  'tier',
  'stage',
] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

const csv = z
  .string()
  .optional()
  .transform((v) =>
    v
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
const num = z.coerce.number().optional();

export const ListAccounts = z.object({
  q: z.string().trim().max(200).optional(),
  externalId: z.string().optional(),
  /** A user id, or `none` for accounts without an owner. */
  ownerId: z.string().optional(),
  /** Accounts whose owner or team includes this user. */
  memberId: z.string().optional(),
  parentId: z.string().optional(),
  region: csv,
  industry: csv,
  /** Every listed tag must be present. */
  tag: csv,
  productLine: csv,
  arrMin: num,
  arrMax: num,
  seatsMin: num,
  seatsMax: num,
  renewalFrom: Day.optional(),
  renewalTo: Day.optional(),
  goLiveFrom: Day.optional(),
  goLiveTo: Day.optional(),
  renewalWithinDays: z.coerce
    .number()
    .int()
    .min(0)
    .max(3650)
    .optional()
    .describe('Renewal date between today and today + N days (workspace time zone)'),
  health: csv.describe('Current health status keys (any of), e.g. danger,warning'),
  tier: csv.describe('Current tiers (any of)'),
  stage: csv.describe('Current lifecycle stage keys (any of)'),
  segment: csv.describe('Saved segment keys: the account is in every one'),
  where: z
    .string()
    .trim()
    .min(1)
    .max(10_000)
    .optional()
    .describe(
      'A condition over today\'s facts, as text (`health.status = "danger" and days_to_renewal <= 90`) or its JSON tree',
    ),
  /** `name`, or `-arr` for descending. */
  sort: z
    .string()
    .default('name')
    .refine((s) => (ACCOUNT_SORTS as readonly string[]).includes(s.replace(/^-/, '')), {
      message: `must be one of ${ACCOUNT_SORTS.join(', ')}, optionally prefixed with -`,
    }),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  includeTotal: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});
/** Parsed query: routes and the CLI parse with ListAccounts before calling listAccounts. */
export type ListAccounts = z.output<typeof ListAccounts>;

/** An account's derived state as of the last recompute (health, tier, stage, segments). */
export const AccountStateColumns = z.object({
  day: z.string().describe('Day of the recompute that stored this state'),
  healthScore: z.number().nullable(),
  healthStatus: z.string().nullable(),
  healthTrend7d: z.number().nullable(),
  tier: z.string().nullable(),
  stage: z.string().nullable(),
  stageSince: z.string().nullable(),
  segments: z.array(z.string()),
});
export type AccountStateColumns = z.infer<typeof AccountStateColumns>;

/** A row of the accounts list: the account and its current state (null before its first recompute). */
export const AccountListItem = Account.extend({ state: AccountStateColumns.nullable() });
export type AccountListItem = z.infer<typeof AccountListItem>;

/** The state filters of the list, answered by the owner of the derived state. */
export type AccountStateFilter = Pick<ListAccounts, 'health' | 'tier' | 'stage' | 'segment'>;

/** Custom-field filters arrive as `cf.<key>=v`, `cf.<key>.gte=v`, `cf.<key>.lte=v` query parameters. */
export type CustomFieldFilter = { key: string; op: 'eq' | 'gte' | 'lte'; value: string };

export function parseCustomFieldFilters(query: Record<string, string | undefined>): CustomFieldFilter[] {
  const filters: CustomFieldFilter[] = [];
  for (const [name, value] of Object.entries(query)) {
    const m = /^cf\.([a-z][a-z0-9_]*)(?:\.(gte|lte))?$/.exec(name);
    if (m && value !== undefined) filters.push({ key: m[1]!, op: (m[2] as 'gte' | 'lte') ?? 'eq', value });
  }
  return filters;
}
