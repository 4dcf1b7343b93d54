// The surveys module's facts, as of a day: `nps` (the account's NPS over the last 365 days),
// `nps_trend` (NPS of the last 180 days minus the 180 before) and `csat_90d` (% satisfied over 90
// days). A leaf for the facts catalogue: it imports nothing that reads facts.
import { addDays } from '../../time.ts';
import type { FactProvider } from '../facts/provider.ts';
import { summarize } from './survey-maths.ts';

/** NPS surveys are usually semi-annual or annual: a year sees every contact's latest answer. */
export const NPS_WINDOW_DAYS = 365;
export const NPS_TREND_DAYS = 180;
export const CSAT_WINDOW_DAYS = 90;

export const surveyFacts: FactProvider = {
  definitions: [
    {
      key: 'nps',
      type: 'number',
      description:
        "The account's NPS (-100..100: % promoters 9-10 minus % detractors 0-6) over the last 365 days; empty without answers",
    },
    {
      key: 'nps_trend',
      type: 'number',
      description:
        'NPS of the last 180 days minus NPS of the 180 days before; empty unless both have answers',
    },
    {
      key: 'csat_90d',
      type: 'number',
      description: 'CSAT over the last 90 days: % of answers 4 or 5 on the 1-5 scale; empty without answers',
    },
  ],
  open: async (ctx) => ({
    definitions: [],
    load: async (batch) => {
      const from = addDays(batch.day, -(Math.max(NPS_WINDOW_DAYS, 2 * NPS_TREND_DAYS) - 1));
      const rows = await batch.select((ids) =>
        ctx.db
          .selectFrom('survey_responses')
          .select(['account_id', 'kind', 'score', 'answered_day'])
          .where('workspace_id', '=', ctx.workspace.id)
          .where('answered_day', '>=', from)
          .where('answered_day', '<=', batch.day)
          .$if(ids !== null, (q) => q.where('account_id', 'in', ids!)),
      );
      if (rows.length === 0) return;
      const npsFrom = addDays(batch.day, -(NPS_WINDOW_DAYS - 1));
      const recentFrom = addDays(batch.day, -(NPS_TREND_DAYS - 1));
      const earlierFrom = addDays(batch.day, -(2 * NPS_TREND_DAYS - 1));
      const csatFrom = addDays(batch.day, -(CSAT_WINDOW_DAYS - 1));
      type Acc = { nps: number[]; recent: number[]; earlier: number[]; csat: number[] };
      const by = new Map<string, Acc>();
      for (const r of rows) {
        let a = by.get(r.account_id);
        if (!a) {
          a = { nps: [], recent: [], earlier: [], csat: [] };
          by.set(r.account_id, a);
        }
        const score = Number(r.score);
        const day = r.answered_day;
        if (r.kind === 'nps') {
          if (day >= npsFrom) a.nps.push(score);
          if (day >= recentFrom) a.recent.push(score);
          else if (day >= earlierFrom) a.earlier.push(score);
        } else if (r.kind === 'csat' && day >= csatFrom) a.csat.push(score);
      }
      for (const [id, a] of by) {
        const at = batch.position.get(id);
        if (at === undefined) continue;
        const record = batch.records[at]!;
        record.nps = summarize('nps', a.nps).score;
        const recent = summarize('nps', a.recent).score;
        const earlier = summarize('nps', a.earlier).score;
        record.nps_trend =
          recent !== null && earlier !== null ? Math.round((recent - earlier) * 10) / 10 : null;
        record.csat_90d = summarize('csat', a.csat).score;
      }
    },
  }),
};
