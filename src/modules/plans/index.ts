export type { KpiDirection } from './kpi-maths.ts';
export { kpiOnTrack, kpiProgress, objectiveProgress, planProgress } from './kpi-maths.ts';
export { MILESTONE_STATUSES, type MilestoneStatus, milestoneStatus } from './milestone-maths.ts';
export {
  AccountMilestone,
  accountMilestones,
  JourneyMilestone,
  listMilestones,
  recordMilestones,
} from './milestones.ts';
export { planFacts } from './plan-facts.ts';
export { plansRoutes } from './plans.routes.ts';
export { Kpi, KpiValue, Objective, PlanTemplate, SuccessPlan } from './plans.schemas.ts';
export type {
  AccountMilestonesTable,
  JourneyMilestonesTable,
  PlanKpisTable,
  PlanKpiValuesTable,
  PlanObjectivesTable,
  PlanStepsTable,
  PlanTemplatesTable,
  SuccessPlansTable,
} from './plans.table.ts';
export {
  addKpi,
  addObjective,
  addStep,
  createPlan,
  createPlanTemplate,
  createStepTask,
  getPlan,
  listPlans,
  listPlanTemplates,
  recordKpiValue,
  updateObjective,
  updatePlan,
} from './plans.ts';
