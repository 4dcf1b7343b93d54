// The support module's facts, as of a day: open tickets, tickets opened in the last 30/90 days,
// the median resolution time and escalations and mean satisfaction over 90 days. Read from
// support_tickets only; a provider for facts/catalogue.ts (a leaf: it imports no module).
import { sql } from 'kysely';
import { addDays, dayStart } from '../../time.ts';
import type { FactDef } from '../facts/condition.ts';
import type { FactProvider } from '../facts/provider.ts';

const DEFINITIONS: readonly FactDef[] = [
  { key: 'tickets_open', type: 'number', description: 'Support tickets open at the end of the day' },
  { key: 'tickets_30d', type: 'number', description: 'Support tickets opened in the last 30 days' },
  { key: 'tickets_90d', type: 'number', description: 'Support tickets opened in the last 90 days' },
  {
    key: 'ticket_resolution_hours_90d',
    type: 'number',
    description: 'Median hours from opened to solved of tickets solved in the last 90 days; empty when none',
  },
  {
    key: 'ticket_escalations_90d',
    type: 'number',
    description: 'Escalated tickets opened in the last 90 days',
  },
  {
    key: 'ticket_satisfaction_90d',
    type: 'number',
    description: 'Mean satisfaction (1-5) of tickets solved and rated in the last 90 days; empty when none',
  },
];

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const m = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.round(m * 10) / 10;
}

export const supportFacts: FactProvider = {
  definitions: DEFINITIONS,
  open: async (ctx) => ({
    definitions: [],
    load: async (batch) => {
      const zone = ctx.workspace.timeZone;
      // Bounds at the workspace's midnights, like the timeline's last touch.
      const end = dayStart(addDays(batch.day, 1), zone);
      const from30 = dayStart(addDays(batch.day, -29), zone);
      const from90 = dayStart(addDays(batch.day, -89), zone);
      for (const f of batch.records) {
        f.tickets_open = 0;
        f.tickets_30d = 0;
        f.tickets_90d = 0;
        f.ticket_escalations_90d = 0;
      }
      // Only tickets that can count: opened by the day's end, and still open then, or opened or
      // solved within 90 days.
      const rows = await batch.select((ids) =>
        ctx.db
          .selectFrom('support_tickets')
          .select(['account_id', 'opened_at', 'solved_at', 'satisfaction', 'escalated'])
          .where('workspace_id', '=', ctx.workspace.id)
          .where('opened_at', '<', end)
          .where((eb) =>
            eb.or([
              eb('solved_at', 'is', null),
              eb('solved_at', '>=', from90),
              eb('opened_at', '>=', from90),
            ]),
          )
          .$if(ids !== null, (q) => q.where('account_id', 'in', ids!))
          .orderBy(sql`account_id`),
      );
      const hours = new Map<number, number[]>();
      const ratings = new Map<number, number[]>();
      for (const r of rows) {
        const at = batch.position.get(r.account_id);
        if (at === undefined) continue;
        const f = batch.records[at]!;
        const solvedBy = r.solved_at !== null && r.solved_at < end;
        if (!solvedBy) f.tickets_open = (f.tickets_open as number) + 1;
        if (r.opened_at >= from30) f.tickets_30d = (f.tickets_30d as number) + 1;
        if (r.opened_at >= from90) {
          f.tickets_90d = (f.tickets_90d as number) + 1;
          if (r.escalated === 1) f.ticket_escalations_90d = (f.ticket_escalations_90d as number) + 1;
        }
        if (solvedBy && r.solved_at! >= from90) {
          const h = hours.get(at) ?? [];
          h.push((Date.parse(r.solved_at!) - Date.parse(r.opened_at)) / 3600_000);
          hours.set(at, h);
          if (r.satisfaction !== null) {
            const s = ratings.get(at) ?? [];
            s.push(r.satisfaction);
            ratings.set(at, s);
          }
        }
      }
      for (const [at, h] of hours) batch.records[at]!.ticket_resolution_hours_90d = median(h);
      for (const [at, s] of ratings)
        batch.records[at]!.ticket_satisfaction_90d =
          Math.round((s.reduce((a, b) => a + b, 0) / s.length) * 100) / 100;
    },
  }),
};
