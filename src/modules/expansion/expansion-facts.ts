// The expansion module's facts: open and won opportunities as of the day, and the expansion
// signals read from facts earlier providers set (seats used > 90% of licensed, usage growth, a
// requested feature that shipped). Loaded after the metric, RFM and request providers.
import { sql } from 'kysely';
import { addDays, dayStart } from '../../time.ts';
import { fromMinor } from '../accounts/contract-math.ts';
import type { FactProvider } from '../facts/provider.ts';

export const EXPANSION_SIGNALS = ['seats', 'usage_growth', 'feature_shipped'] as const;
export type ExpansionSignal = (typeof EXPANSION_SIGNALS)[number];
/** Seats used (30-day active users / licensed) above this is a seats signal. */
export const SEATS_SIGNAL_BREADTH = 0.9;
/** Events in the last 30 days up this much on the 30 before is a usage-growth signal. */
export const USAGE_GROWTH_SIGNAL = 0.2;

/** The signals an account's facts show (pure). */
export function expansionSignals(f: Record<string, unknown>): ExpansionSignal[] {
  const out: ExpansionSignal[] = [];
  if (typeof f.breadth === 'number' && f.breadth > SEATS_SIGNAL_BREADTH) out.push('seats');
  if (typeof f.usage_growth_30d === 'number' && f.usage_growth_30d >= USAGE_GROWTH_SIGNAL)
    out.push('usage_growth');
  if (typeof f.requests_shipped_30d === 'number' && f.requests_shipped_30d > 0) out.push('feature_shipped');
  return out;
}

export const expansionFacts: FactProvider = {
  // Its signals read seats, usage growth and shipped requests.
  readsEarlierFacts: true,
  definitions: [
    { key: 'opportunities_open', type: 'number', description: 'Open expansion opportunities' },
    {
      key: 'opportunities_open_amount',
      type: 'number',
      description: 'ARR the open expansion opportunities would add, base currency',
    },
    { key: 'opportunities_won', type: 'number', description: 'Expansion opportunities won' },
    {
      key: 'expansion_signals',
      type: 'string[]',
      description: `Expansion signals: seats (active users > ${SEATS_SIGNAL_BREADTH * 100}% of licensed seats), usage_growth (events up ${USAGE_GROWTH_SIGNAL * 100}%+ on the prior 30 days), feature_shipped (a requested feature shipped in 30 days)`,
      options: EXPANSION_SIGNALS,
    },
  ],
  open: async (ctx) => ({
    definitions: [],
    load: async (batch) => {
      const end = dayStart(addDays(batch.day, 1), ctx.workspace.timeZone);
      const rows = await batch.select((ids) =>
        ctx.db
          .selectFrom('opportunities')
          .select([
            'account_id',
            sql<number>`sum(case when stage = 'won' and closed_at < ${end} then 1 else 0 end)`.as('won'),
            sql<number>`sum(case when stage not in ('won', 'lost') or closed_at >= ${end} then 1 else 0 end)`.as(
              'open',
            ),
            sql<number>`sum(case when stage not in ('won', 'lost') or closed_at >= ${end} then amount_minor else 0 end)`.as(
              'amount',
            ),
          ])
          .where('workspace_id', '=', ctx.workspace.id)
          .where('created_at', '<', end)
          .$if(ids !== null, (q) => q.where('account_id', 'in', ids!))
          .groupBy('account_id'),
      );
      for (const f of batch.records) {
        f.opportunities_open = 0;
        f.opportunities_open_amount = 0;
        f.opportunities_won = 0;
        f.expansion_signals = expansionSignals(f);
      }
      for (const r of rows) {
        const at = batch.position.get(r.account_id);
        if (at === undefined) continue;
        const f = batch.records[at]!;
        f.opportunities_open = Number(r.open);
        f.opportunities_open_amount = fromMinor(Number(r.amount), ctx.workspace.baseCurrency);
        f.opportunities_won = Number(r.won);
      }
    },
  }),
};
