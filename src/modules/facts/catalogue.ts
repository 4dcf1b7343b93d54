import type { Ctx } from '../../context.ts';
import { loadDefinitions } from '../accounts/index.ts';
import { loadMetrics } from '../metrics/index.ts';
import type { FactDef } from './condition.ts';

/** Facts every account has, whatever the workspace defines. */
export const BASE_FACTS: readonly FactDef[] = [
  { key: 'external_id', type: 'string', description: 'The id CRM and product events use' },
  { key: 'name', type: 'string', description: 'Account name' },
  { key: 'region', type: 'string', description: 'Region, e.g. 华东' },
  { key: 'industry', type: 'string', description: 'Industry' },
  { key: 'product_lines', type: 'string[]', description: 'Product lines the account has' },
  { key: 'tags', type: 'string[]', description: 'Tags' },
  { key: 'owner_id', type: 'string', description: 'User id of the owning CSM' },
  { key: 'parent_id', type: 'string', description: 'Parent account id' },
  { key: 'licensed_seats', type: 'number', description: 'Licensed seats' },
  { key: 'go_live_date', type: 'date', description: 'Go-live date' },
  { key: 'days_since_go_live', type: 'number', description: 'Days since go-live (negative before it)' },
  {
    key: 'months_since_go_live',
    type: 'number',
    description: 'Whole months since go-live: 0 in the first month, 1 in the second...',
  },
  { key: 'arr', type: 'number', description: 'Current annual recurring revenue, base currency' },
  { key: 'mrr', type: 'number', description: 'Current monthly recurring revenue, base currency' },
  { key: 'renewal_date', type: 'date', description: 'End of the earliest contract in force' },
  { key: 'days_to_renewal', type: 'number', description: 'Days until the renewal date' },
  {
    key: 'contract_status',
    type: 'string',
    description: 'active (a contract in force), upcoming (only future ones), churned, ended or none',
    options: ['active', 'upcoming', 'churned', 'ended', 'none'],
  },
  {
    key: 'renewal_confirmed',
    type: 'boolean',
    description:
      'The contract in force is renewed: a later contract exists, or it is marked renewed or expanded',
  },
  {
    key: 'days_since_renewal',
    type: 'number',
    description: 'Days since the current contract, a renewal, started',
  },
  {
    key: 'is_churned',
    type: 'boolean',
    description: 'No contract in force and the last one churned or ended',
  },
  { key: 'active_users_7d', type: 'number', description: 'Distinct active users in the last 7 days' },
  { key: 'active_users_30d', type: 'number', description: 'Distinct active users in the last 30 days' },
  { key: 'breadth', type: 'number', description: 'Active users (30 days) / licensed seats' },
  { key: 'features_used_30d', type: 'number', description: 'Features used in the last 30 days' },
  { key: 'depth', type: 'number', description: 'Features used (30 days) / features defined' },
  {
    key: 'days_since_last_touch',
    type: 'number',
    description: 'Days since the last note, call, meeting or email',
  },
  {
    key: 'health.score',
    type: 'number',
    description:
      'Health score 0-100. In `changed by`, the score N days back is the nearest daily snapshot at or before that day: within 3 days for up to 7 days back, 7 for up to 30, 14 beyond',
  },
  { key: 'health.status', type: 'string', description: 'Health status key (e.g. excellent, fair, danger)' },
  {
    key: 'health.trend_7d',
    type: 'number',
    description: 'Health score change over 7 days (against the nearest snapshot at most 3 days earlier)',
  },
  {
    key: 'health.trend_30d',
    type: 'number',
    description: 'Health score change over 30 days (against the nearest snapshot at most 7 days earlier)',
  },
  { key: 'health.sentiment', type: 'number', description: "The CSM's current sentiment, 1-5" },
  { key: 'tier', type: 'string', description: 'Tier assigned by the active tiering scheme (or an override)' },
  { key: 'stage', type: 'string', description: 'Lifecycle stage key' },
  { key: 'days_in_stage', type: 'number', description: 'Days since the account entered its stage' },
  { key: 'segments', type: 'string[]', description: 'Keys of the saved segments the account is in' },
];

/** Per metric: window totals, changes and rank. */
export const METRIC_FACTS = [
  ['total_7d', 'total over the last 7 days'],
  ['total_30d', 'total over the last 30 days'],
  ['total_90d', 'total over the last 90 days'],
  ['wow', 'last 7 days vs the 7 before, as a fraction (-0.3 = down 30%)'],
  ['mom', 'last 30 days vs the 30 before, as a fraction'],
  ['last30_vs_prior30', 'last 30 days vs the 30 before, as a fraction'],
  ['yoy', 'last 30 days vs the same 30 days a year earlier, as a fraction'],
  ['percentile', 'percentile rank (0-100) of the 30-day total among all accounts'],
] as const;

const CUSTOM_TYPES: Record<string, FactDef['type']> = {
  text: 'string',
  number: 'number',
  date: 'date',
  boolean: 'boolean',
  single_select: 'string',
  multi_select: 'string[]',
};

/** Every fact an account has in this workspace, with type and description. */
export async function loadCatalogue(ctx: Ctx): Promise<FactDef[]> {
  const custom = (await loadDefinitions(ctx)).map(
    (d): FactDef => ({
      key: `cf.${d.key}`,
      type: CUSTOM_TYPES[d.type] ?? 'string',
      description: `Custom field: ${d.label}`,
      ...(d.type.endsWith('select') ? { options: JSON.parse(d.options) as string[] } : {}),
    }),
  );
  const metrics = (await loadMetrics(ctx)).flatMap((m) =>
    METRIC_FACTS.map(
      ([suffix, text]): FactDef => ({
        key: `metrics.${m.key}.${suffix}`,
        type: 'number',
        description: `${m.name} (${m.behaviour} behaviour): ${text}`,
      }),
    ),
  );
  return [...BASE_FACTS, ...custom, ...metrics];
}
