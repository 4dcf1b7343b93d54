// What a new workspace starts with: the plan templates (an onboarding plan with 30-day setup goals,
// an adoption plan, a renewal plan; seed 001's 明确目标设定 and its customer KPIs) and the journey
// milestones at 30 / 90 / 180 / 365 days after go-live (seed 003's 客户旅程). Names are message
// keys, so each reader sees them in their language until someone edits them. This file imports no
// module, so workspaces can install them when it creates a tenant without an import cycle.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { type Message, msg, render } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import type { Condition } from '../facts/condition.ts';

export type TemplateKpi = {
  name: string | Message;
  unit: string;
  direction: 'increase' | 'decrease';
  baseline: number | null;
  target: number;
  /** A numeric fact the KPI's current value is read from; absent: entered by hand. */
  metricFact?: string;
};
export type TemplateStep = { title: string | Message; taskType: string; dueInDays: number };
export type TemplateObjective = {
  title: string | Message;
  /** Due this many days after the plan starts. */
  dueInDays: number | null;
  kpis: TemplateKpi[];
  steps: TemplateStep[];
};
export type StarterTemplate = {
  key: string;
  name: Message;
  kind: 'onboarding' | 'adoption' | 'renewal';
  tier: string | null;
  stage: string | null;
  objectives: TemplateObjective[];
};

export const STARTER_PLAN_TEMPLATES: readonly StarterTemplate[] = [
  {
    key: 'onboarding',
    name: msg('plans.tpl.onboarding'),
    kind: 'onboarding',
    tier: null,
    stage: 'onboarding',
    objectives: [
      {
        title: msg('plans.tpl.onboarding.goals'),
        dueInDays: 14,
        kpis: [
          {
            name: msg('plans.kpi.timeToFirstValue'),
            unit: 'days',
            direction: 'decrease',
            baseline: 30,
            target: 14,
          },
        ],
        steps: [
          { title: msg('plans.step.kickoff'), taskType: 'onboarding', dueInDays: 3 },
          { title: msg('plans.step.goalWorkshop'), taskType: 'onboarding', dueInDays: 14 },
        ],
      },
      {
        title: msg('plans.tpl.onboarding.setup'),
        dueInDays: 30,
        kpis: [
          {
            name: msg('plans.kpi.activeUsers'),
            unit: 'users',
            direction: 'increase',
            baseline: 0,
            target: 20,
            metricFact: 'active_users_30d',
          },
          {
            name: msg('plans.kpi.featuresUsed'),
            unit: 'features',
            direction: 'increase',
            baseline: 0,
            target: 3,
            metricFact: 'features_used_30d',
          },
        ],
        steps: [
          { title: msg('plans.step.adminTraining'), taskType: 'onboarding', dueInDays: 10 },
          { title: msg('plans.step.setupReview'), taskType: 'onboarding', dueInDays: 28 },
        ],
      },
    ],
  },
  {
    key: 'adoption',
    name: msg('plans.tpl.adoption'),
    kind: 'adoption',
    tier: null,
    stage: 'adoption',
    objectives: [
      {
        title: msg('plans.tpl.adoption.habit'),
        dueInDays: 90,
        kpis: [
          {
            name: msg('plans.kpi.activeDays'),
            unit: 'days',
            direction: 'increase',
            baseline: 0,
            target: 12,
            metricFact: 'frequency_30d',
          },
        ],
        steps: [{ title: msg('plans.step.usageReview'), taskType: 'adoption', dueInDays: 45 }],
      },
      {
        title: msg('plans.tpl.adoption.value'),
        dueInDays: 180,
        kpis: [
          { name: msg('plans.kpi.efficiency'), unit: '%', direction: 'increase', baseline: 0, target: 30 },
          { name: msg('plans.kpi.costSaving'), unit: '%', direction: 'increase', baseline: 0, target: 20 },
          { name: msg('plans.kpi.revenueGrowth'), unit: '%', direction: 'increase', baseline: 0, target: 15 },
        ],
        steps: [{ title: msg('plans.step.valueReview'), taskType: 'qbr', dueInDays: 90 }],
      },
    ],
  },
  {
    key: 'renewal',
    name: msg('plans.tpl.renewal'),
    kind: 'renewal',
    tier: null,
    stage: 'renewal',
    objectives: [
      {
        title: msg('plans.tpl.renewal.value'),
        dueInDays: 30,
        kpis: [
          {
            name: msg('plans.kpi.activeUsers'),
            unit: 'users',
            direction: 'increase',
            baseline: 0,
            target: 20,
            metricFact: 'active_users_30d',
          },
        ],
        steps: [{ title: msg('plans.step.qbr'), taskType: 'qbr', dueInDays: 14 }],
      },
      {
        title: msg('plans.tpl.renewal.agree'),
        dueInDays: 90,
        kpis: [],
        steps: [
          { title: msg('plans.step.renewalProposal'), taskType: 'renewal', dueInDays: 45 },
          { title: msg('plans.step.renewalSign'), taskType: 'renewal', dueInDays: 80 },
        ],
      },
    ],
  },
];

export type StarterMilestone = { key: string; name: Message; dueDay: number; condition: Condition };

/** Seed 003's journey: setup by day 30, core features 3 days a week by 90, goals by 180, expansion by 365. */
export const STARTER_MILESTONES: readonly StarterMilestone[] = [
  {
    key: 'setup_30',
    name: msg('milestones.setup30'),
    dueDay: 30,
    condition: {
      and: [
        { fact: 'active_users_30d', op: '>=', value: 3 },
        { fact: 'features_used_30d', op: '>=', value: 2 },
      ],
    },
  },
  {
    key: 'core_use_90',
    name: msg('milestones.coreUse90'),
    dueDay: 90,
    // Three days a week is about 12 active days in 30.
    condition: { fact: 'frequency_30d', op: '>=', value: 12 },
  },
  {
    key: 'goals_180',
    name: msg('milestones.goals180'),
    dueDay: 180,
    condition: { fact: 'plan_progress', op: '>=', value: 0.8 },
  },
  {
    key: 'expansion_365',
    name: msg('milestones.expansion365'),
    dueDay: 365,
    condition: { fact: 'opportunities_won', op: '>=', value: 1 },
  },
];

/** Installs the starter templates and milestones in a new workspace (inside its creating transaction). */
export async function insertStarterPlans(
  db: Kysely<Database>,
  workspaceId: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('plan_templates')
    .values(
      STARTER_PLAN_TEMPLATES.map((t) => ({
        id: newId(),
        workspace_id: workspaceId,
        key: t.key,
        name: render('en', t.name),
        name_message: JSON.stringify(t.name),
        kind: t.kind,
        tier: t.tier,
        stage: t.stage,
        objectives: JSON.stringify(t.objectives),
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  await db
    .insertInto('journey_milestones')
    .values(
      STARTER_MILESTONES.map((m, i) => ({
        id: newId(),
        workspace_id: workspaceId,
        key: m.key,
        name: render('en', m.name),
        name_message: JSON.stringify(m.name),
        position: i + 1,
        due_day: m.dueDay,
        condition: JSON.stringify(m.condition),
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}
