import { createRoute } from '@hono/zod-openapi';
import { crud } from '../../server/crud.ts';
import { CONFLICT, createRouter, ERRORS, IdParam, json, jsonBody } from '../../server/env.ts';
import { applyAssignment, offboardCsm, previewAssignment } from './assignment.ts';
import { createGroup, deleteGroup, getGroup, listGroups, updateGroup } from './groups.ts';
import { getLoadView } from './load.ts';
import { getCapacity, whatIfCapacity } from './planner.ts';
import { getTeamSettings, updateTeamSettings } from './settings.ts';
import {
  AssignmentInput,
  AssignmentPlanOut,
  Capacity,
  CapacityQuery,
  CreateGroup,
  Group,
  LoadQuery,
  LoadView,
  OffboardInput,
  OffboardOut,
  TeamSettings,
  UpdateGroup,
  UpdateTeamSettings,
  WhatIf,
  WhatIfOut,
} from './team.schemas.ts';

/** CSM groups, capacity and the headcount planner, assignment, offboarding, the load view. */
export function teamRoutes() {
  const app = createRouter();
  const tags = ['Team'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/team/capacity',
      tags,
      summary:
        'Headcount planner: CSMs and groups needed per tier for today’s accounts, against today’s team',
      description:
        'Seed 002: CSMs per tier = accounts (grown by `growth`) / accounts per CSM, rounded up; groups = CSMs / group size, rounded up, spread evenly. `currentCsms` splits each member’s capacity over tiers by the load of the accounts they own; `gap` = needed - current (positive: hire).',
      request: { query: CapacityQuery },
      responses: { 200: json(Capacity, 'The plan'), ...ERRORS },
    }),
    async (c) => c.json(await getCapacity({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/team/capacity/what-if',
      tags,
      summary:
        'What-if: the plan with other capacities, weighting, growth, group size or tier rules (writes nothing)',
      request: { body: jsonBody(WhatIf) },
      responses: { 200: json(WhatIfOut, 'Baseline, what-if and the change per tier'), ...ERRORS },
    }),
    async (c) => c.json(await whatIfCapacity({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/team/settings',
      tags,
      summary: 'Capacities per tier, weighting, planner defaults, touch cadences and scorecard weights',
      responses: { 200: json(TeamSettings, 'The settings (defaults where unset)'), ...ERRORS },
    }),
    async (c) => c.json(await getTeamSettings({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/team/settings',
      tags,
      summary: 'Change team settings (managers and admins); maps such as capacities are replaced whole',
      request: { body: jsonBody(UpdateTeamSettings) },
      responses: { 200: json(TeamSettings, 'The settings'), ...ERRORS },
    }),
    async (c) => c.json(await updateTeamSettings({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  crud(app, {
    path: '/team/groups',
    tag: 'Team',
    plural: 'CSM groups',
    schema: Group,
    create: CreateGroup,
    update: UpdateGroup,
    verbs: { list: listGroups, create: createGroup, get: getGroup, update: updateGroup, remove: deleteGroup },
    what: 'CSM group (小组) by id or key: lead, members with capacity factors, and a scope condition over account facts (tier, region, industry, product_lines, stage, health.status, segments, arr...); accounts go to the first group by position whose scope matches',
  });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/team/load',
      tags,
      summary: 'Load view: per CSM, accounts and ARR by tier, open and overdue tasks, share of capacity used',
      request: { query: LoadQuery },
      responses: { 200: json(LoadView, 'Every group member and every other owner of accounts'), ...ERRORS },
    }),
    async (c) => c.json(await getLoadView({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/team/assignment/preview',
      tags,
      summary:
        'Preview assignment: the moves that would place unowned accounts (or rebalance), writing nothing',
      description:
        '`unowned`: accounts without an active owner go to a CSM of the first group whose scope matches, least loaded first, never over capacity. `rebalance`: also moves accounts whose CSM is not in their group and sheds load from CSMs over capacity, fewest moves first. Families (parent and children) stay together with `keepFamilies`. Deterministic: the same data gives the same plan and fingerprint.',
      request: { body: jsonBody(AssignmentInput) },
      responses: { 200: json(AssignmentPlanOut, 'The plan'), ...ERRORS },
    }),
    async (c) => c.json(await previewAssignment({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/team/assignment/apply',
      tags,
      summary:
        'Apply assignment: every move on the account’s timeline; 409 if `fingerprint` no longer matches',
      request: { body: jsonBody(AssignmentInput) },
      responses: { 200: json(AssignmentPlanOut, 'The applied plan'), ...ERRORS, ...CONFLICT },
    }),
    async (c) => c.json(await applyAssignment({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/team/members/{id}/offboard/preview',
      tags,
      summary: 'Preview a CSM leaving: their accounts and open tasks, and who would take each',
      request: { params: IdParam, body: jsonBody(OffboardInput) },
      responses: { 200: json(OffboardOut, 'The plan'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await offboardCsm({
          ctx: c.get('ctx'),
          userId: c.req.valid('param').id,
          input: c.req.valid('json'),
          apply: false,
        }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/team/members/{id}/offboard',
      tags,
      summary:
        'A CSM leaves: reassign their accounts (teammates with room, else the group lead) and open tasks',
      description:
        'Never leaves an account orphaned: 409 when an account has neither a teammate with room nor a group lead. With `deactivate: true` the user is deactivated in the same transaction (admins only).',
      request: { params: IdParam, body: jsonBody(OffboardInput) },
      responses: { 200: json(OffboardOut, 'Done'), ...ERRORS, ...CONFLICT },
    }),
    async (c) =>
      c.json(
        await offboardCsm({
          ctx: c.get('ctx'),
          userId: c.req.valid('param').id,
          input: c.req.valid('json'),
          apply: true,
        }),
        200,
      ),
  );
  return app;
}
