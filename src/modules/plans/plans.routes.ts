import { createRoute, z } from '@hono/zod-openapi';
import { CONFLICT, createRouter, ERRORS, IdParam, json, jsonBody, NO_CONTENT } from '../../server/env.ts';
import {
  AccountMilestone,
  CreateMilestone,
  createMilestone,
  deleteMilestone,
  getAccountMilestones,
  JourneyMilestone,
  listMilestones,
  UpdateMilestone,
  updateMilestone,
} from './milestones.ts';
import {
  CreateKpi,
  CreateObjective,
  CreatePlan,
  CreatePlanTemplate,
  CreateStep,
  PlanTemplate,
  RecordKpiValue,
  SuccessPlan,
  UpdateKpi,
  UpdateObjective,
  UpdatePlan,
  UpdatePlanTemplate,
} from './plans.schemas.ts';
import {
  addKpi,
  addObjective,
  addStep,
  createPlan,
  createPlanTemplate,
  createStepTask,
  deleteKpi,
  deleteObjective,
  deletePlan,
  deletePlanTemplate,
  getPlan,
  listPlans,
  listPlanTemplates,
  recordKpiValue,
  updateKpi,
  updateObjective,
  updatePlan,
  updatePlanTemplate,
} from './plans.ts';

const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
const WRITE = 'Account owners and team members (CSMs), managers and admins.';

/** Success plans, customer KPIs, plan templates and journey milestones. */
export function plansRoutes() {
  const app = createRouter();
  const tags = ['Success plans'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/plans',
      tags,
      summary: "The account's success plans with progress and KPIs",
      request: { params: IdParam },
      responses: { 200: json(items(SuccessPlan), 'Plans, oldest first'), ...ERRORS },
    }),
    async (c) => c.json({ items: await listPlans(c.get('ctx'), c.req.valid('param').id) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/accounts/{id}/plans',
      tags,
      summary: 'Create a success plan (from a template, or blank)',
      description: WRITE,
      request: { params: IdParam, body: jsonBody(CreatePlan) },
      responses: { 201: json(SuccessPlan, 'Created'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await createPlan({
          ctx: c.get('ctx'),
          accountId: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        201,
      ),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{id}',
      tags,
      summary: 'One success plan',
      request: { params: IdParam },
      responses: { 200: json(SuccessPlan, 'The plan'), ...ERRORS },
    }),
    async (c) => c.json(await getPlan({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/plans/{id}',
      tags,
      summary: 'Rename a plan or change its status',
      description: WRITE,
      request: { params: IdParam, body: jsonBody(UpdatePlan) },
      responses: { 200: json(SuccessPlan, 'Updated'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updatePlan({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/plans/{id}',
      tags,
      summary: 'Delete a plan with its objectives, KPIs, values and steps (tasks made from steps stay)',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deletePlan({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{id}/objectives',
      tags,
      summary: 'Add an objective',
      request: { params: IdParam, body: jsonBody(CreateObjective) },
      responses: { 201: json(SuccessPlan, 'The plan'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await addObjective({
          ctx: c.get('ctx'),
          planId: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        201,
      ),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/plan-objectives/{id}',
      tags,
      summary: "Change an objective's title, owner, due date or status",
      request: { params: IdParam, body: jsonBody(UpdateObjective) },
      responses: { 200: json(SuccessPlan, 'The plan'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updateObjective({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/plan-objectives/{id}',
      tags,
      summary: 'Delete an objective with its KPIs and steps',
      request: { params: IdParam },
      responses: { 200: json(SuccessPlan, 'The plan'), ...ERRORS },
    }),
    async (c) => c.json(await deleteObjective({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plan-objectives/{id}/kpis',
      tags,
      summary: 'Add a customer KPI (entered by hand, or read from a numeric fact)',
      request: { params: IdParam, body: jsonBody(CreateKpi) },
      responses: { 201: json(SuccessPlan, 'The plan'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await addKpi({ ctx: c.get('ctx'), objectiveId: c.req.valid('param').id, input: c.req.valid('json') }),
        201,
      ),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plan-objectives/{id}/steps',
      tags,
      summary: 'Add a step (it becomes a task when asked)',
      request: { params: IdParam, body: jsonBody(CreateStep) },
      responses: { 201: json(SuccessPlan, 'The plan'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await addStep({
          ctx: c.get('ctx'),
          objectiveId: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        201,
      ),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plan-steps/{id}/task',
      tags,
      summary: "Create the step's task (once) through the tasks module",
      request: { params: IdParam },
      responses: {
        200: json(z.object({ stepId: z.string(), taskId: z.string(), created: z.boolean() }), 'The task'),
        ...ERRORS,
      },
    }),
    async (c) => c.json(await createStepTask({ ctx: c.get('ctx'), stepId: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/plan-kpis/{id}',
      tags,
      summary: "Change a KPI's name, unit, direction, baseline or target",
      request: { params: IdParam, body: jsonBody(UpdateKpi) },
      responses: { 200: json(SuccessPlan, 'The plan'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updateKpi({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/plan-kpis/{id}',
      tags,
      summary: 'Delete a KPI and its values',
      request: { params: IdParam },
      responses: { 200: json(SuccessPlan, 'The plan'), ...ERRORS },
    }),
    async (c) => c.json(await deleteKpi({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plan-kpis/{id}/values',
      tags,
      summary: "Record a KPI's value measured on a day (earlier values are kept)",
      request: { params: IdParam, body: jsonBody(RecordKpiValue) },
      responses: { 201: json(SuccessPlan, 'The plan'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await recordKpiValue({
          ctx: c.get('ctx'),
          kpiId: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        201,
      ),
  );

  const tplTags = ['Plan templates'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/plan-templates',
      tags: tplTags,
      summary: 'Plan templates (onboarding, adoption, renewal and your own)',
      responses: { 200: json(items(PlanTemplate), 'Templates'), ...ERRORS },
    }),
    async (c) => c.json(await listPlanTemplates({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/plan-templates',
      tags: tplTags,
      summary: 'Create a plan template (managers and admins)',
      request: { body: jsonBody(CreatePlanTemplate) },
      responses: { 201: json(PlanTemplate, 'Created'), ...ERRORS, ...CONFLICT },
    }),
    async (c) => c.json(await createPlanTemplate({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/plan-templates/{id}',
      tags: tplTags,
      summary: 'Change a plan template (managers and admins)',
      request: { params: IdParam, body: jsonBody(UpdatePlanTemplate) },
      responses: { 200: json(PlanTemplate, 'Updated'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updatePlanTemplate({
          ctx: c.get('ctx'),
          id: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/plan-templates/{id}',
      tags: tplTags,
      summary: 'Delete a plan template (plans made from it stay)',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deletePlanTemplate({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );

  const msTags = ['Journey milestones'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/milestones',
      tags: msTags,
      summary: 'Journey milestones, in order (seed 003: days 30 / 90 / 180 / 365 after go-live)',
      responses: { 200: json(items(JourneyMilestone), 'Milestones'), ...ERRORS },
    }),
    async (c) => c.json(await listMilestones({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/milestones',
      tags: msTags,
      summary: 'Add a milestone (managers and admins)',
      request: { body: jsonBody(CreateMilestone) },
      responses: { 201: json(JourneyMilestone, 'Created'), ...ERRORS, ...CONFLICT },
    }),
    async (c) => c.json(await createMilestone({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/milestones/{id}',
      tags: msTags,
      summary: 'Change a milestone (managers and admins)',
      request: { params: IdParam, body: jsonBody(UpdateMilestone) },
      responses: { 200: json(JourneyMilestone, 'Updated'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updateMilestone({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/milestones/{id}',
      tags: msTags,
      summary: 'Delete a milestone and what accounts reached of it',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteMilestone({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/milestones',
      tags: msTags,
      summary: "The account's journey milestones: achieved, late, due or upcoming",
      request: { params: IdParam },
      responses: { 200: json(items(AccountMilestone), 'Milestones in order'), ...ERRORS },
    }),
    async (c) =>
      c.json(await getAccountMilestones({ ctx: c.get('ctx'), accountId: c.req.valid('param').id }), 200),
  );

  return app;
}
