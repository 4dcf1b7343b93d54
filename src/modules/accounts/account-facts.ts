// The accounts module's facts: profile fields, custom fields and contract figures as of a day. It
// is also the roster: it lists the accounts a build holds, so it loads first.
import type { Ctx } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { dayInZone, daysBetween } from '../../time.ts';
import type { FactDef } from '../facts/condition.ts';
import type { FactBatch, FactProvider, FactRoster } from '../facts/provider.ts';
import { fromMinor } from './contract-math.ts';
import { loadDefinitions } from './custom-fields.ts';

const DEFINITIONS: readonly FactDef[] = [
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
];

const CUSTOM_TYPES: Record<string, FactDef['type']> = {
  text: 'string',
  number: 'number',
  date: 'date',
  boolean: 'boolean',
  single_select: 'string',
  multi_select: 'string[]',
};

/** Whole months between two days: 0 until the same day-of-month comes round, as people count them. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  let months = (ty - fy) * 12 + (tm - fm);
  if (td < fd) months -= 1;
  return months;
}

export const accountFacts: FactProvider<FactRoster> = {
  definitions: DEFINITIONS,
  open: async (ctx) => {
    const custom = await loadDefinitions(ctx);
    const customKeys = custom.map((d) => [d.key, `cf.${d.key}`] as const);
    return {
      definitions: custom.map(
        (d): FactDef => ({
          key: `cf.${d.key}`,
          type: CUSTOM_TYPES[d.type] ?? 'string',
          description: `Custom field: ${d.label}`,
          ...(d.type.endsWith('select') ? { options: JSON.parse(d.options) as string[] } : {}),
        }),
      ),

      // Profile and custom fields are the stored current values (accounts keep no history of
      // them); contract facts start as "no contract" until loadContracts finds one.
      list: async ({ ids, day, make, select }) => {
        const rows = await select(
          (batch) =>
            ctx.db
              .selectFrom('accounts')
              .select([
                'id',
                'external_id',
                'name',
                'region',
                'industry',
                'product_lines',
                'tags',
                'owner_id',
                'parent_id',
                'licensed_seats',
                'go_live_date',
                'custom_fields',
              ])
              .where('workspace_id', '=', ctx.workspace.id)
              .$if(batch !== null, (q) => q.where('id', 'in', batch!)),
          ids,
        );
        const records = new Map<string, ReturnType<typeof make>>();
        for (const a of rows) {
          const f = make();
          f.external_id = a.external_id;
          f.name = a.name;
          f.region = a.region;
          f.industry = a.industry;
          f.product_lines = parseJson<string[]>(a.product_lines, []);
          f.tags = parseJson<string[]>(a.tags, []);
          f.owner_id = a.owner_id;
          f.parent_id = a.parent_id;
          f.licensed_seats = a.licensed_seats;
          f.go_live_date = a.go_live_date;
          f.days_since_go_live = a.go_live_date ? daysBetween(a.go_live_date, day) : null;
          f.months_since_go_live = a.go_live_date ? monthsBetween(a.go_live_date, day) : null;
          f.arr = 0;
          f.mrr = 0;
          f.contract_status = 'none';
          f.renewal_confirmed = false;
          f.is_churned = false;
          const values = parseJson<Record<string, unknown>>(a.custom_fields, {});
          for (const [key, fact] of customKeys) f[fact] = values[key] ?? null;
          records.set(a.id, f);
        }
        return records;
      },

      allAccountIds: async () =>
        (
          await ctx.db
            .selectFrom('accounts')
            .select('id')
            .where('workspace_id', '=', ctx.workspace.id)
            .execute()
        ).map((a) => a.id),

      load: (batch) => loadContracts(ctx, batch),
    };
  },
};

/** Contract figures as of the day, from the contracts (not the stored current figures, so past days can be backfilled). */
async function loadContracts(ctx: Ctx, batch: FactBatch) {
  const { day } = batch;
  // fromMinor(x, base) is x / 10 ** digits, but builds an Intl.NumberFormat per call: once is enough.
  const minorPerUnit = Math.round(1 / fromMinor(1, ctx.workspace.baseCurrency));
  const contracts = await batch.select((ids) =>
    ctx.db
      .selectFrom('contracts')
      .select([
        'id',
        'account_id',
        'start_date',
        'end_date',
        'status',
        'arr_minor',
        'mrr_minor',
        'renews_contract_id',
        'updated_at',
      ])
      .where('workspace_id', '=', ctx.workspace.id)
      .$if(ids !== null, (q) => q.where('account_id', 'in', ids!)),
  );
  // A churn mark is known once the contract has ended, or earlier from the day it was written
  // (contracts keep no churn date; their last change is that mark): a past day inside the term
  // sees the contract in force, as it was then, so the churn model's training rows and backfilled
  // history do not learn the outcome before it happened.
  const churnKnown = (c: { status: string; end_date: string | null; updated_at: string }) =>
    c.status === 'churned' &&
    ((c.end_date !== null && c.end_date < day) ||
      dayInZone(new Date(c.updated_at), ctx.workspace.timeZone) <= day);
  const renewedIds = new Set(contracts.map((c) => c.renews_contract_id).filter(Boolean));
  const byAccount = new Map<string, typeof contracts>();
  for (const c of contracts) {
    const list = byAccount.get(c.account_id) ?? [];
    list.push(c);
    byAccount.set(c.account_id, list);
  }
  for (const [accountId, list] of byAccount) {
    const at = batch.position.get(accountId);
    if (at === undefined) continue;
    const f = batch.records[at]!;
    const inForce = list.filter(
      (c) => c.start_date <= day && (c.end_date === null || c.end_date >= day) && !churnKnown(c),
    );
    let arr = 0;
    let mrr = 0;
    let renewal: string | null = null;
    for (const c of inForce) {
      arr += Number(c.arr_minor);
      mrr += Number(c.mrr_minor);
      if (c.end_date && (renewal === null || c.end_date < renewal)) renewal = c.end_date;
    }
    f.arr = arr / minorPerUnit;
    f.mrr = mrr / minorPerUnit;
    f.renewal_date = renewal;
    f.days_to_renewal = renewal ? daysBetween(day, renewal) : null;
    const started = list
      .filter((c) => c.start_date <= day)
      .sort((x, y) => x.start_date.localeCompare(y.start_date));
    const last = started.at(-1);
    if (inForce.length) f.contract_status = 'active';
    else if (list.some((c) => c.start_date > day)) f.contract_status = 'upcoming';
    else if (last) f.contract_status = churnKnown(last) ? 'churned' : 'ended';
    f.is_churned = f.contract_status === 'churned' || f.contract_status === 'ended';
    // Renewal confirmed (seed 004's expansion period starts here): the contract in force has a
    // successor (linked, or any contract starting later) or is marked renewed or expanded. The
    // contracts are read whatever their start, so these two facts (and `upcoming`) see contracts
    // starting after the day: a contract signed then is known on it, one created later is not
    // told apart (contracts keep no signing date).
    f.renewal_confirmed =
      inForce.length > 0 &&
      (list.some((n) => n.start_date > day) ||
        inForce.some((c) => renewedIds.has(c.id) || c.status === 'renewed' || c.status === 'expanded'));
    const currentRenewal = inForce
      .filter((c) => c.renews_contract_id)
      .sort((x, y) => y.start_date.localeCompare(x.start_date))[0];
    f.days_since_renewal = currentRenewal ? daysBetween(currentRenewal.start_date, day) : null;
  }
}
