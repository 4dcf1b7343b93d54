// Loads what the score reads (accounts, their current tier and health, group members) for a set of
// request rows in a few grouped queries, never one per request.
import type { Ctx } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { localeOf } from '../../i18n/request-locale.ts';
import { daysBetween, today } from '../../time.ts';
import { accountsView, fromMinor } from '../accounts/index.ts';
import { loadCurrentStates } from '../state/index.ts';
import {
  type AskingAccount,
  highValueReason,
  type RenderedScore,
  type RequestSettings,
  renderScore,
  scoreRequest,
} from './priority-rule.ts';
import { OPEN_STATUSES } from './requests.schemas.ts';
import type { CustomerRequestsTable } from './requests.table.ts';

const CHUNK = 500;

export type AccountInfo = AskingAccount & { name: string; renewalDate: string | null };

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** ARR in base currency, tags, renewal (accounts) with current tier and health (the state module). */
export async function loadAccountInfo(
  ctx: Ctx,
  accountIds: readonly string[],
): Promise<Map<string, AccountInfo>> {
  const out = new Map<string, AccountInfo>();
  const day = today(ctx);
  for (const batch of chunks([...new Set(accountIds)])) {
    const rows = await ctx.db
      .selectFrom(accountsView(ctx).as('a'))
      .select(['a.id', 'a.name', 'a.arr_minor', 'a.tags', 'a.renewal_date'])
      .where('a.id', 'in', batch)
      .execute();
    const states = await loadCurrentStates(ctx, batch);
    for (const r of rows) {
      const days = r.renewal_date === null ? null : daysBetween(day, r.renewal_date);
      out.set(r.id, {
        accountId: r.id,
        name: r.name,
        arr: fromMinor(Number(r.arr_minor), ctx.workspace.baseCurrency),
        tier: states.get(r.id)?.tier ?? null,
        tags: parseJson<string[]>(r.tags, []),
        healthStatus: states.get(r.id)?.healthStatus ?? null,
        renewalDate: r.renewal_date,
        daysToRenewal: days !== null && days >= 0 ? days : null,
      });
    }
  }
  return out;
}

export type Scored = {
  /** Each request's score, its reasoning in the reader's language. */
  priorities: Map<string, RenderedScore>;
  accounts: Map<string, AccountInfo>;
  /** Group id -> the distinct accounts with an open request in it. */
  groupAccounts: Map<string, string[]>;
};

/** Each row's priority, reading its group's open requests for the volume factors. */
export async function scoreRows(
  ctx: Ctx,
  rows: readonly Pick<CustomerRequestsTable, 'id' | 'account_id' | 'group_id' | 'showcase'>[],
  settings: RequestSettings,
): Promise<Scored> {
  const groupIds = [...new Set(rows.map((r) => r.group_id).filter((g): g is string => g !== null))];
  const groupAccounts = new Map<string, string[]>();
  for (const batch of chunks(groupIds)) {
    const members = await ctx.db
      .selectFrom('customer_requests')
      .select(['group_id', 'account_id'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('group_id', 'in', batch)
      .where('status', 'in', [...OPEN_STATUSES])
      .execute();
    for (const m of members) {
      const list = groupAccounts.get(m.group_id!) ?? [];
      if (!list.includes(m.account_id)) list.push(m.account_id);
      groupAccounts.set(m.group_id!, list);
    }
  }
  const accounts = await loadAccountInfo(ctx, [
    ...rows.map((r) => r.account_id),
    ...[...groupAccounts.values()].flat(),
  ]);
  const priorities = new Map<string, RenderedScore>();
  const locale = localeOf(ctx);
  for (const r of rows) {
    const account = accounts.get(r.account_id) ?? missingAccount(r.account_id);
    const group = r.group_id === null ? [] : (groupAccounts.get(r.group_id) ?? []);
    const score = scoreRequest(
      {
        account,
        showcase: r.showcase === 1,
        groupAccounts: group.map((id) => accounts.get(id) ?? missingAccount(id)),
      },
      settings,
    );
    priorities.set(r.id, renderScore(locale, score));
  }
  return { priorities, accounts, groupAccounts };
}

// Reads join accounts, so a deleted account's requests are not listed; this covers a group member
// whose account is gone.
const missingAccount = (id: string): AccountInfo => ({
  accountId: id,
  name: '',
  arr: 0,
  tier: null,
  tags: [],
  healthStatus: null,
  renewalDate: null,
  daysToRenewal: null,
});

export const isHighValue = (a: AccountInfo, s: RequestSettings) => highValueReason(a, s) !== null;
