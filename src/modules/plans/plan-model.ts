// Success plans as rows and as the plans people read: loading an account's (or every account's)
// plan rows in a few IN queries, and assembling them with each KPI's current value, progress and
// whether it is on track (kpi-maths.ts). Shared by the API (plans.ts) and the facts provider
// (plan-facts.ts); this file imports no module, so facts can load it without an import cycle.
import type { Ctx } from '../../context.ts';
import { type Locale, readText } from '../../i18n/index.ts';
import {
  type KpiDirection,
  kpiOnTrack,
  kpiProgress,
  type ObjectiveStatus,
  objectiveProgress,
  planProgress,
} from './kpi-maths.ts';
import type { Kpi, Objective, PlanStep, SuccessPlan } from './plans.schemas.ts';
import type {
  PlanKpisTable,
  PlanKpiValuesTable,
  PlanObjectivesTable,
  PlanStepsTable,
  SuccessPlansTable,
} from './plans.table.ts';

export type PlanRows = {
  plans: SuccessPlansTable[];
  objectives: PlanObjectivesTable[];
  kpis: PlanKpisTable[];
  values: PlanKpiValuesTable[];
  steps: PlanStepsTable[];
};

const CHUNK = 500;

/**
 * The plans of these accounts (null: every account), with their objectives, KPIs, entered values
 * up to `upTo` and steps. `planIds` narrows to some plans; `activeOnly` leaves out completed and
 * archived plans (the facts count active plans only).
 */
export async function loadPlanRows(
  ctx: Pick<Ctx, 'db' | 'workspace'>,
  filter: {
    accountIds?: readonly string[] | null;
    planIds?: readonly string[];
    activeOnly?: boolean;
    upTo?: string;
  },
): Promise<PlanRows> {
  const ws = ctx.workspace.id;
  let plans: SuccessPlansTable[] = [];
  const chunks = (xs: readonly string[]) => {
    const out: string[][] = [];
    for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
    return out;
  };
  const planQuery = () =>
    ctx.db
      .selectFrom('success_plans')
      .selectAll()
      .where('workspace_id', '=', ws)
      .$if(!!filter.activeOnly, (q) => q.where('status', '=', 'active'));
  if (filter.planIds) {
    for (const ids of chunks(filter.planIds))
      plans.push(...(await planQuery().where('id', 'in', ids).execute()));
  } else if (filter.accountIds) {
    for (const ids of chunks(filter.accountIds))
      plans.push(...(await planQuery().where('account_id', 'in', ids).execute()));
  } else plans = await planQuery().execute();
  plans.sort((a, b) =>
    a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1,
  );
  const rows: PlanRows = { plans, objectives: [], kpis: [], values: [], steps: [] };
  if (!plans.length) return rows;
  const whole = !filter.planIds && !filter.accountIds;
  const planChunks = whole ? [null] : chunks(plans.map((p) => p.id));
  const keep = new Set(plans.map((p) => p.id));
  for (const ids of planChunks) {
    const objectives = await ctx.db
      .selectFrom('plan_objectives')
      .selectAll()
      .where('workspace_id', '=', ws)
      .$if(ids !== null, (q) => q.where('plan_id', 'in', ids!))
      .orderBy('position')
      .execute();
    const kpis = await ctx.db
      .selectFrom('plan_kpis')
      .selectAll()
      .where('workspace_id', '=', ws)
      .$if(ids !== null, (q) => q.where('plan_id', 'in', ids!))
      .orderBy('position')
      .execute();
    const steps = await ctx.db
      .selectFrom('plan_steps')
      .selectAll()
      .where('workspace_id', '=', ws)
      .$if(ids !== null, (q) => q.where('plan_id', 'in', ids!))
      .orderBy('position')
      .execute();
    rows.objectives.push(...objectives.filter((o) => keep.has(o.plan_id)));
    rows.kpis.push(...kpis.filter((k) => keep.has(k.plan_id)));
    rows.steps.push(...steps.filter((s) => keep.has(s.plan_id)));
  }
  const manual = rows.kpis.filter((k) => k.source === 'manual').map((k) => k.id);
  for (const ids of whole ? [null] : chunks(manual)) {
    if (ids !== null && !ids.length) continue;
    const values = await ctx.db
      .selectFrom('plan_kpi_values')
      .selectAll()
      .where('workspace_id', '=', ws)
      .$if(ids !== null, (q) => q.where('kpi_id', 'in', ids!))
      .$if(filter.upTo !== undefined, (q) => q.where('day', '<=', filter.upTo!))
      .orderBy('day')
      .orderBy('created_at')
      .execute();
    rows.values.push(...values);
  }
  return rows;
}

export type AssembleOptions = {
  day: string;
  locale: Locale | undefined;
  /** A numeric fact of an account (metric KPIs), or null. */
  factOf: (accountId: string, key: string) => number | null;
  ownerNames?: ReadonlyMap<string, string>;
};

/** The plans with current values, progress and on-track flags as of `day`, in the rows' order. */
export function assemblePlans(rows: PlanRows, o: AssembleOptions): SuccessPlan[] {
  const valuesByKpi = groupBy(rows.values, (v) => v.kpi_id);
  const kpisByObjective = groupBy(rows.kpis, (k) => k.objective_id);
  const stepsByObjective = groupBy(rows.steps, (s) => s.objective_id);
  const objectivesByPlan = groupBy(rows.objectives, (x) => x.plan_id);
  return rows.plans.map((p) => {
    let kpisTotal = 0;
    let kpisOnTrack = 0;
    const objectives: Objective[] = (objectivesByPlan.get(p.id) ?? []).map((ob) => {
      const kpis: Kpi[] = (kpisByObjective.get(ob.id) ?? []).map((k) => {
        const history = (valuesByKpi.get(k.id) ?? []).filter((v) => v.day <= o.day);
        let current: number | null = null;
        let currentDay: string | null = null;
        if (k.source === 'metric' && k.metric_fact) {
          current = o.factOf(p.account_id, k.metric_fact);
          currentDay = current === null ? null : o.day;
        } else {
          const last = history[history.length - 1];
          if (last) {
            current = last.value;
            currentDay = last.day;
          }
        }
        const figures = {
          direction: k.direction as KpiDirection,
          baseline: k.baseline,
          target: k.target,
          current,
        };
        const progress = kpiProgress(figures);
        const onTrack = kpiOnTrack(progress, p.start_date, ob.due_date, o.day);
        if (ob.status !== 'cancelled') {
          kpisTotal++;
          if (onTrack) kpisOnTrack++;
        }
        return {
          id: k.id,
          objectiveId: ob.id,
          name: readText(o.locale, k.name, k.name_message),
          unit: k.unit,
          direction: k.direction as KpiDirection,
          baseline: k.baseline,
          target: k.target,
          source: k.source as Kpi['source'],
          metricFact: k.metric_fact,
          current,
          currentDay,
          progress,
          onTrack,
          history: history.map((v) => ({
            id: v.id,
            day: v.day,
            value: v.value,
            note: v.note,
            recordedBy: v.recorded_by,
            createdAt: v.created_at,
          })),
        };
      });
      const steps: PlanStep[] = (stepsByObjective.get(ob.id) ?? []).map((s) => ({
        id: s.id,
        objectiveId: ob.id,
        title: readText(o.locale, s.title, s.title_message),
        taskType: s.task_type as PlanStep['taskType'],
        dueDate: s.due_date,
        taskId: s.task_id,
      }));
      return {
        id: ob.id,
        planId: p.id,
        position: ob.position,
        title: readText(o.locale, ob.title, ob.title_message),
        ownerId: ob.owner_id,
        ownerName: ob.owner_id ? (o.ownerNames?.get(ob.owner_id) ?? null) : null,
        dueDate: ob.due_date,
        status: ob.status as ObjectiveStatus,
        progress: objectiveProgress(
          ob.status as ObjectiveStatus,
          kpis.map((k) => k.progress),
        ),
        kpis,
        steps,
      };
    });
    return {
      id: p.id,
      accountId: p.account_id,
      templateId: p.template_id,
      name: readText(o.locale, p.name, p.name_message),
      kind: p.kind as SuccessPlan['kind'],
      status: p.status as SuccessPlan['status'],
      startDate: p.start_date,
      progress: planProgress(objectives.map((x) => x.progress)),
      kpisTotal,
      kpisOnTrack,
      objectives,
      createdBy: p.created_by,
      createdAt: p.created_at,
      updatedAt: p.updated_at,
    };
  });
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}
