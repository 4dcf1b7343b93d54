// The timeline module's fact: days since a person last touched the account (a note, call, meeting
// or email), as of a day.
import { sql } from 'kysely';
import { addDays, dayInZone, dayStart, daysBetween } from '../../time.ts';
import type { FactProvider } from '../facts/provider.ts';
import { NOTE_TYPES } from './timeline.ts';

export const timelineFacts: FactProvider = {
  definitions: [
    {
      key: 'days_since_last_touch',
      type: 'number',
      description: 'Days since the last note, call, meeting or email',
    },
  ],
  open: async (ctx) => ({
    definitions: [],
    load: async (batch) => {
      const zone = ctx.workspace.timeZone;
      // Touches up to the end of the day in the workspace's zone: a UTC midnight bound would read
      // the next morning's notes east of UTC and miss the evening's west of it.
      const end = dayStart(addDays(batch.day, 1), zone);
      const touches = await batch.select((ids) =>
        ctx.db
          .selectFrom('timeline_entries')
          .select(['account_id', sql<string>`max(occurred_at)`.as('at')])
          .where('workspace_id', '=', ctx.workspace.id)
          .where('type', 'in', [...NOTE_TYPES])
          .where('occurred_at', '<', end)
          .$if(ids !== null, (q) => q.where('account_id', 'in', ids!))
          .groupBy('account_id'),
      );
      for (const t of touches) {
        const at = batch.position.get(t.account_id);
        if (at === undefined) continue;
        batch.records[at]!.days_since_last_touch = daysBetween(dayInZone(new Date(t.at), zone), batch.day);
      }
    },
  }),
};
