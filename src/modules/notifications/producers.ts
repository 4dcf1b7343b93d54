import type { Ctx } from '../../context.ts';
import { msg, type Param } from '../../i18n/index.ts';
import { addDays, daysBetween, today } from '../../time.ts';
import { accountRefs, ownedAccountsRenewing } from '../accounts/index.ts';
import { DEFAULT_BANDS, loadHealthModels } from '../health/index.ts';
import { loadCurrentStates, stateChangesBetween } from '../state/index.ts';
import { valueParam } from '../timeline/index.ts';
import { notify } from './notify.ts';

/**
 * Tells each account's owner that it entered its model's danger band (the last, lowest band) on
 * `day`, from that day's `health_status` state changes. Only for today: a backfill of past days
 * is history, not news. Once per account and day (dedupe key), so rerunning the recompute, or an
 * account bouncing in and out of danger within the day, notifies nobody twice.
 */
export async function notifyEnteredDanger(ctx: Ctx, day: string): Promise<number> {
  if (day !== today(ctx)) return 0;
  // A first score is the account's starting point, not a change (the timeline skips it too).
  const moved = (await stateChangesBetween(ctx, { from: day, to: day, kinds: ['health_status'] })).filter(
    (c) => c.from !== null,
  );
  if (moved.length === 0) return 0;
  const ids = [...new Set(moved.map((c) => c.accountId))];
  const states = await loadCurrentStates(ctx, ids);
  const accounts = await accountRefs(ctx, ids);
  const changes = moved.flatMap((c) => {
    const a = accounts.get(c.accountId);
    if (!a?.ownerId) return [];
    return [
      {
        account_id: c.accountId,
        from_value: c.from,
        to_value: c.to,
        name: a.name,
        owner_id: a.ownerId,
        health_model_id: states.get(c.accountId)?.healthModelId ?? null,
      },
    ];
  });
  if (changes.length === 0) return 0;
  const models = await loadHealthModels(ctx);
  const dangerByModel = new Map(models.map((m) => [m.id, m.bands.at(-1)?.key]));
  const defaultDanger = DEFAULT_BANDS.at(-1)?.key;
  const entered = changes.filter(
    (c) =>
      c.to_value !== null && c.to_value === (dangerByModel.get(c.health_model_id ?? '') ?? defaultDanger),
  );
  // Band labels of the account's model (both languages), else the built-in names of the values.
  const bandsByModel = new Map(models.map((m) => [m.id, new Map(m.bands.map((b) => [b.key, b.label]))]));
  const status = (modelId: string | null, value: string | null): Param => {
    const label = value === null ? undefined : bandsByModel.get(modelId ?? '')?.get(value);
    return label ? { label } : valueParam('healthStatus', value);
  };
  let sent = 0;
  for (const c of entered) {
    const written = await notify(ctx, {
      userId: c.owner_id!,
      kind: 'account_danger',
      title: msg('notification.enteredDanger', { name: c.name }),
      body: msg('notification.enteredDangerBody', {
        from: status(c.health_model_id, c.from_value),
        to: status(c.health_model_id, c.to_value),
        date: { date: day },
      }),
      accountId: c.account_id,
      data: { from: c.from_value, to: c.to_value, day },
      dedupeKey: `danger:${c.account_id}:${day}`,
    });
    if (written) sent++;
  }
  return sent;
}

/** The window before a renewal in which its owner is told (seed 004: 续约期 is the last 90 days). */
export const RENEWAL_NOTICE_DAYS = 90;

/**
 * Daily: tells the owner of every account whose renewal date is now within 90 days, once per
 * account and renewal date. Accounts reach the window by the calendar (exactly 90 days away) or
 * by a contract change that moves the date inside it; both are caught, and a renewed contract's new
 * date starts a new notice. Bounded batches; rerunning the same day sends nothing.
 */
export async function notifyRenewalsDue(ctx: Ctx): Promise<number> {
  const day = today(ctx);
  const until = addDays(day, RENEWAL_NOTICE_DAYS);
  let sent = 0;
  let after = '';
  for (;;) {
    const rows = await ownedAccountsRenewing(ctx, { from: day, to: until, after, limit: 500 });
    if (rows.length === 0) return sent;
    for (const r of rows) {
      const days = daysBetween(day, r.renewalDate);
      const written = await notify(ctx, {
        userId: r.ownerId,
        kind: 'renewal_upcoming',
        title: msg('notification.renewalUpcoming', { name: r.name, days }),
        body: msg('notification.renewalUpcomingBody', { date: { date: r.renewalDate } }),
        accountId: r.id,
        data: { renewalDate: r.renewalDate, days },
        dedupeKey: `renewal:${r.id}:${r.renewalDate}`,
      });
      if (written) sent++;
    }
    after = rows.at(-1)!.id;
  }
}
