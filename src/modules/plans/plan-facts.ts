// The plans module's facts: success-plan progress and KPIs on track (active plans), and journey
// milestones (achieved, late, each milestone's status). Loaded after the metric and RFM providers,
// whose facts metric KPIs read from the batch's own records.
import type { FactDef } from '../facts/condition.ts';
import type { FactBatch, FactProvider } from '../facts/provider.ts';
import { MILESTONE_STATUSES, milestoneStatus } from './milestone-maths.ts';
import { assemblePlans, loadPlanRows } from './plan-model.ts';

export const planFacts: FactProvider = {
  // Metric KPIs read any numeric fact.
  readsEarlierFacts: true,
  definitions: [
    {
      key: 'plan_progress',
      type: 'number',
      description: 'Success plans: mean progress of the active plans toward their KPI targets (0-1)',
    },
    {
      key: 'kpis_on_track',
      type: 'number',
      description: "Success plans: share of the active plans' customer KPIs on track (0-1)",
    },
    { key: 'active_plans', type: 'number', description: 'Active success plans' },
    { key: 'milestones_achieved', type: 'number', description: 'Journey milestones achieved' },
    {
      key: 'milestones_late',
      type: 'number',
      description: 'Journey milestones past their due day, not achieved',
    },
    { key: 'milestones_late_keys', type: 'string[]', description: 'Keys of the late journey milestones' },
  ],
  open: async (ctx) => {
    const milestones = await ctx.db
      .selectFrom('journey_milestones')
      .select(['id', 'key', 'name', 'due_day'])
      .where('workspace_id', '=', ctx.workspace.id)
      .orderBy('position')
      .execute();
    return {
      definitions: milestones.map(
        (m): FactDef => ({
          key: `milestone.${m.key}`,
          type: 'string',
          description: `Milestone "${m.name}" (day ${m.due_day} after go-live): achieved, late, due or upcoming`,
          options: MILESTONE_STATUSES,
        }),
      ),
      load: async (batch: FactBatch) => {
        const ids = batch.whole ? null : batch.ids;
        const rows = await loadPlanRows(ctx, { accountIds: ids, activeOnly: true, upTo: batch.day });
        // A plan counts from the day it was created.
        rows.plans = rows.plans.filter(
          (p) => p.start_date <= batch.day && p.created_at.slice(0, 10) <= batch.day,
        );
        const plans = assemblePlans(rows, {
          day: batch.day,
          locale: undefined,
          factOf: (accountId, key) => {
            const at = batch.position.get(accountId);
            const v = at === undefined ? null : batch.records[at]![key];
            return typeof v === 'number' && Number.isFinite(v) ? v : null;
          },
        });
        const byAccount = new Map<
          string,
          { progress: number[]; total: number; onTrack: number; n: number }
        >();
        for (const p of plans) {
          const a = byAccount.get(p.accountId) ?? { progress: [], total: 0, onTrack: 0, n: 0 };
          if (p.progress !== null) a.progress.push(p.progress);
          a.total += p.kpisTotal;
          a.onTrack += p.kpisOnTrack;
          a.n++;
          byAccount.set(p.accountId, a);
        }
        const achieved = await batch.select((scope) =>
          ctx.db
            .selectFrom('account_milestones')
            .select(['account_id', 'milestone_id', 'achieved_on'])
            .where('workspace_id', '=', ctx.workspace.id)
            .where('achieved_on', '<=', batch.day)
            .$if(scope !== null, (q) => q.where('account_id', 'in', scope!)),
        );
        const achievedOn = new Map<string, string>();
        for (const r of achieved) achievedOn.set(`${r.account_id} ${r.milestone_id}`, r.achieved_on!);
        for (let i = 0; i < batch.ids.length; i++) {
          const id = batch.ids[i]!;
          const f = batch.records[i]!;
          const a = byAccount.get(id);
          f.active_plans = a?.n ?? 0;
          f.plan_progress = a?.progress.length
            ? a.progress.reduce((s, x) => s + x, 0) / a.progress.length
            : null;
          f.kpis_on_track = a?.total ? a.onTrack / a.total : null;
          const goLive = typeof f.go_live_date === 'string' ? f.go_live_date : null;
          let done = 0;
          const late: string[] = [];
          for (const m of milestones) {
            const s = milestoneStatus({
              goLive,
              dueDay: m.due_day,
              achievedOn: achievedOn.get(`${id} ${m.id}`) ?? null,
              day: batch.day,
            });
            f[`milestone.${m.key}`] = s?.status ?? null;
            if (s?.status === 'achieved') done++;
            if (s?.status === 'late') late.push(m.key);
          }
          f.milestones_achieved = goLive ? done : null;
          f.milestones_late = goLive ? late.length : null;
          f.milestones_late_keys = late;
        }
      },
    };
  },
};
