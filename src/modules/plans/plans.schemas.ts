import { z } from '@hono/zod-openapi';
import { isValidDay } from '../../time.ts';

export const PLAN_KINDS = ['onboarding', 'adoption', 'renewal', 'custom'] as const;
export const PLAN_STATUSES = ['active', 'completed', 'archived'] as const;
export const OBJECTIVE_STATUSES = ['not_started', 'in_progress', 'at_risk', 'done', 'cancelled'] as const;
export const KPI_DIRECTIONS = ['increase', 'decrease'] as const;
export const KPI_SOURCES = ['manual', 'metric'] as const;
export const STEP_TASK_TYPES = [
  'onboarding',
  'adoption',
  'qbr',
  'renewal',
  'expansion',
  'support',
  'call',
  'other',
] as const;

export const PlanKind = z.enum(PLAN_KINDS).openapi('PlanKind');
export const PlanStatus = z.enum(PLAN_STATUSES).openapi('PlanStatus');
export const ObjectiveStatus = z.enum(OBJECTIVE_STATUSES).openapi('ObjectiveStatus');
export const KpiDirection = z.enum(KPI_DIRECTIONS).openapi('KpiDirection');
export const KpiSource = z.enum(KPI_SOURCES).openapi('KpiSource');
export const StepTaskType = z.enum(STEP_TASK_TYPES).openapi('PlanStepTaskType');

export const Day = z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD');
const Text = z.string().trim().min(1).max(300);
const Unit = z.string().trim().max(30);
const Num = z.number().finite();
const FactKey = z.string().trim().min(1).max(200);

export const KpiValue = z.object({
  id: z.string(),
  day: z.string(),
  value: z.number(),
  note: z.string().nullable(),
  recordedBy: z.string().nullable(),
  createdAt: z.string(),
});
export type KpiValue = z.infer<typeof KpiValue>;

export const Kpi = z.object({
  id: z.string(),
  objectiveId: z.string(),
  name: z.string(),
  unit: z.string(),
  direction: KpiDirection,
  baseline: z.number().nullable(),
  target: z.number(),
  source: KpiSource,
  metricFact: z.string().nullable(),
  /** The latest entered value, or the fact's value today for a metric KPI. */
  current: z.number().nullable(),
  /** The day of `current`. */
  currentDay: z.string().nullable(),
  /** 0-1 of the way from baseline to target; null without a current value. */
  progress: z.number().nullable(),
  onTrack: z.boolean(),
  /** Entered values, oldest first (a metric KPI has none). */
  history: z.array(KpiValue),
});
export type Kpi = z.infer<typeof Kpi>;

export const PlanStep = z.object({
  id: z.string(),
  objectiveId: z.string(),
  title: z.string(),
  taskType: StepTaskType,
  dueDate: z.string().nullable(),
  taskId: z.string().nullable(),
});
export type PlanStep = z.infer<typeof PlanStep>;

export const Objective = z.object({
  id: z.string(),
  planId: z.string(),
  position: z.number(),
  title: z.string(),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  dueDate: z.string().nullable(),
  status: ObjectiveStatus,
  progress: z.number().nullable(),
  kpis: z.array(Kpi),
  steps: z.array(PlanStep),
});
export type Objective = z.infer<typeof Objective>;

export const SuccessPlan = z
  .object({
    id: z.string(),
    accountId: z.string(),
    templateId: z.string().nullable(),
    name: z.string(),
    kind: PlanKind,
    status: PlanStatus,
    startDate: z.string(),
    /** 0-1: the mean of its objectives' progress (cancelled ones left out). */
    progress: z.number().nullable(),
    kpisTotal: z.number(),
    kpisOnTrack: z.number(),
    objectives: z.array(Objective),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('SuccessPlan');
export type SuccessPlan = z.infer<typeof SuccessPlan>;

const TemplateKpi = z.object({
  name: Text,
  unit: Unit.default(''),
  direction: KpiDirection.default('increase'),
  baseline: Num.nullable().default(null),
  target: Num,
  metricFact: FactKey.optional(),
});
const TemplateStep = z.object({
  title: Text,
  taskType: StepTaskType.default('other'),
  dueInDays: z.int().min(0).max(3650),
});
const TemplateObjective = z.object({
  title: Text,
  dueInDays: z.int().min(0).max(3650).nullable().default(null),
  kpis: z.array(TemplateKpi).max(20).default([]),
  steps: z.array(TemplateStep).max(30).default([]),
});

export const PlanTemplate = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  kind: PlanKind,
  tier: z.string().nullable(),
  stage: z.string().nullable(),
  objectives: z.array(
    z.object({
      title: z.string(),
      dueInDays: z.number().nullable(),
      kpis: z.array(
        z.object({
          name: z.string(),
          unit: z.string(),
          direction: KpiDirection,
          baseline: z.number().nullable(),
          target: z.number(),
          metricFact: z.string().optional(),
        }),
      ),
      steps: z.array(z.object({ title: z.string(), taskType: StepTaskType, dueInDays: z.number() })),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PlanTemplate = z.infer<typeof PlanTemplate>;

export const CreatePlanTemplate = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower_snake_case, starting with a letter'),
  name: Text,
  kind: PlanKind.default('custom'),
  tier: z.string().trim().min(1).max(100).nullable().default(null),
  stage: z.string().trim().min(1).max(100).nullable().default(null),
  objectives: z.array(TemplateObjective).min(1).max(20),
});
export type CreatePlanTemplate = z.input<typeof CreatePlanTemplate>;
export const UpdatePlanTemplate = CreatePlanTemplate.omit({ key: true }).partial();
export type UpdatePlanTemplate = z.input<typeof UpdatePlanTemplate>;

export const CreatePlan = z
  .object({
    /** Copy a template's objectives, KPIs and steps; or give a name (and objectives) for a blank plan. */
    templateId: z.string().min(1).optional(),
    name: Text.optional(),
    kind: PlanKind.optional(),
    /** Template due dates count from this day (default today). */
    startDate: Day.optional(),
    /** Also create the steps' tasks now (through the tasks module), assigned to the account's owner. */
    createTasks: z.boolean().default(false),
  })
  .refine((p) => p.templateId !== undefined || p.name !== undefined, {
    path: ['name'],
    message: 'give templateId or name',
  });
export type CreatePlan = z.input<typeof CreatePlan>;

export const UpdatePlan = z.object({ name: Text, status: PlanStatus }).partial();
export type UpdatePlan = z.input<typeof UpdatePlan>;

export const CreateObjective = z.object({
  title: Text,
  ownerId: z.string().min(1).nullable().optional(),
  dueDate: Day.nullable().optional(),
  status: ObjectiveStatus.default('not_started'),
});
export type CreateObjective = z.input<typeof CreateObjective>;
export const UpdateObjective = z
  .object({
    title: Text,
    ownerId: z.string().min(1).nullable(),
    dueDate: Day.nullable(),
    status: ObjectiveStatus,
  })
  .partial();
export type UpdateObjective = z.input<typeof UpdateObjective>;

export const CreateKpi = z
  .object({
    name: Text,
    unit: Unit.default(''),
    direction: KpiDirection.default('increase'),
    baseline: Num.nullable().default(null),
    target: Num,
    source: KpiSource.default('manual'),
    metricFact: FactKey.nullable().optional(),
  })
  .refine((k) => k.source !== 'metric' || !!k.metricFact, {
    path: ['metricFact'],
    message: 'a KPI read from a metric needs metricFact',
  });
export type CreateKpi = z.input<typeof CreateKpi>;
export const UpdateKpi = z
  .object({
    name: Text,
    unit: Unit,
    direction: KpiDirection,
    baseline: Num.nullable(),
    target: Num,
  })
  .partial();
export type UpdateKpi = z.input<typeof UpdateKpi>;

export const RecordKpiValue = z.object({
  value: Num,
  /** The day it was measured (default today). */
  day: Day.optional(),
  note: z.string().trim().max(2000).nullable().optional(),
});
export type RecordKpiValue = z.input<typeof RecordKpiValue>;

export const CreateStep = z.object({
  title: Text,
  taskType: StepTaskType.default('other'),
  dueDate: Day.nullable().optional(),
});
export type CreateStep = z.input<typeof CreateStep>;
