// The requests module's fact for expansion signals: feature requests of the account shipped in the
// last 30 days (a requested feature that shipped is a reason to talk about more).
import { sql } from 'kysely';
import { addDays, dayStart } from '../../time.ts';
import type { FactProvider } from '../facts/provider.ts';

export const requestFacts: FactProvider = {
  definitions: [
    {
      key: 'requests_shipped_30d',
      type: 'number',
      description: 'Feature requests of the account shipped in the last 30 days',
    },
  ],
  open: async (ctx) => ({
    definitions: [],
    load: async (batch) => {
      const zone = ctx.workspace.timeZone;
      const end = dayStart(addDays(batch.day, 1), zone);
      const start = dayStart(addDays(batch.day, -29), zone);
      const rows = await batch.select((ids) =>
        ctx.db
          .selectFrom('customer_requests')
          .select(['account_id', sql<number>`count(*)`.as('n')])
          .where('workspace_id', '=', ctx.workspace.id)
          .where('type', '=', 'feature_request')
          .where('status', '=', 'shipped')
          .where('status_changed_at', '>=', start)
          .where('status_changed_at', '<', end)
          .$if(ids !== null, (q) => q.where('account_id', 'in', ids!))
          .groupBy('account_id'),
      );
      for (const f of batch.records) f.requests_shipped_30d = 0;
      for (const r of rows) {
        const at = batch.position.get(r.account_id);
        if (at !== undefined) batch.records[at]!.requests_shipped_30d = Number(r.n);
      }
    },
  }),
};
