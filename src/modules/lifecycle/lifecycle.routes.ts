import { createRoute, z } from '@hono/zod-openapi';
import { crud } from '../../server/crud.ts';
import { createRouter, ERRORS, IdParam, json, jsonBody, listOf, NO_CONTENT } from '../../server/env.ts';
import { ListPage, listStageHistory, StateChange, StateOverride } from '../state/index.ts';
import {
  CreateLifecycleStage,
  clearStageOverride,
  createLifecycleStage,
  deleteLifecycleStage,
  getLifecycleStage,
  installDefaultStages,
  LifecycleStage,
  listLifecycleStages,
  SetStageOverride,
  setStageOverride,
  UpdateLifecycleStage,
  updateLifecycleStage,
} from './lifecycle.ts';
import { PreviewLifecycleStages, previewLifecycleStages, StagesPreview } from './preview.ts';

/** Lifecycle stage definitions, manual stages and stage history. */
export function lifecycleRoutes() {
  const app = createRouter();
  const tags = ['Lifecycle'];

  // Before the crud routes, like every fixed path under a resource.
  app.openapi(
    createRoute({
      method: 'post',
      path: '/lifecycle-stages/defaults',
      tags,
      summary:
        'Install the default stages (churned, renewal, expansion, onboarding, adoption, advanced) when the workspace has none',
      description: 'A workspace that already has stages keeps them; the answer says how many were installed.',
      request: { body: jsonBody(z.object({})) },
      responses: {
        200: json(z.object({ installed: z.number(), items: z.array(LifecycleStage) }), 'The stages'),
        ...ERRORS,
      },
    }),
    async (c) => c.json(await installDefaultStages(c.get('ctx')), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/lifecycle-stages/preview',
      tags,
      summary:
        'What-if: the stage a list of stages would give every account today, and who would move (writes nothing)',
      description:
        'Conditions read the facts of today merged with each account’s current tier and health, percentiles among all accounts and history for `changed by`, as the recompute does. Manual overrides still win.',
      request: { body: jsonBody(PreviewLifecycleStages) },
      responses: { 200: json(StagesPreview, 'The preview'), ...ERRORS },
    }),
    async (c) => c.json(await previewLifecycleStages({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  crud(app, {
    path: '/lifecycle-stages',
    tag: 'Lifecycle',
    plural: 'lifecycle stages',
    schema: LifecycleStage,
    create: CreateLifecycleStage,
    update: UpdateLifecycleStage,
    verbs: {
      list: listLifecycleStages,
      create: createLifecycleStage,
      get: getLifecycleStage,
      update: updateLifecycleStage,
      remove: deleteLifecycleStage,
    },
    what: 'lifecycle stage by id or key (changes: managers and admins; tried in position order, first match wins; set position to reorder)',
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/accounts/{id}/stage-override',
      tags,
      summary: 'Set the account’s lifecycle stage by hand, with a reason, optionally until a day (inclusive)',
      description:
        'Wins over the stage conditions while it holds and takes effect at once (stage history, timeline). Needs accounts:update on the account: a CSM on its team may.',
      request: { params: IdParam, body: jsonBody(SetStageOverride) },
      responses: { 200: json(StateOverride, 'The override'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await setStageOverride({
          ctx: c.get('ctx'),
          accountId: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/accounts/{id}/stage-override',
      tags,
      summary: 'Remove the account’s manual stage: the stage conditions decide again at once',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await clearStageOverride({ ctx: c.get('ctx'), accountId: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/stage-history',
      tags,
      summary: 'The account’s lifecycle stage changes, by the rules or by hand, newest first',
      request: { params: IdParam, query: ListPage },
      responses: { 200: json(listOf(StateChange), 'A page'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await listStageHistory({
          ctx: c.get('ctx'),
          accountId: c.req.valid('param').id,
          input: c.req.valid('query'),
        }),
        200,
      ),
  );
  return app;
}
