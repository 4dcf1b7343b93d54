import { createRoute } from '@hono/zod-openapi';
import {
  CONFLICT,
  createRouter,
  ERRORS,
  IdParam,
  json,
  jsonBody,
  listOf,
  NO_CONTENT,
} from '../../server/env.ts';
import {
  CreateSavedView,
  createSavedView,
  deleteSavedView,
  getSavedView,
  ListSavedViews,
  listSavedViews,
  SavedView,
  UpdateSavedView,
  updateSavedView,
} from './views.ts';

const WHO =
  'Anyone keeps private views; only managers and admins share one with the workspace; only the owner changes or deletes a view.';

/** Saved views of the lists (filters, condition, columns, sort), private or shared with the workspace. */
export function viewsRoutes() {
  const app = createRouter();
  const tags = ['Saved views'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/saved-views',
      tags,
      summary: 'Your saved views and every shared one',
      request: { query: ListSavedViews },
      responses: { 200: json(listOf(SavedView), 'Saved views, shared first'), ...ERRORS },
    }),
    async (c) => c.json(await listSavedViews({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/saved-views',
      tags,
      summary: 'Save a view',
      description: WHO,
      request: { body: jsonBody(CreateSavedView) },
      responses: { 201: json(SavedView, 'Created'), ...ERRORS, ...CONFLICT },
    }),
    async (c) => c.json(await createSavedView({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/saved-views/{id}',
      tags,
      summary: 'One saved view (yours or a shared one)',
      request: { params: IdParam },
      responses: { 200: json(SavedView, 'The view'), ...ERRORS },
    }),
    async (c) => c.json(await getSavedView({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/saved-views/{id}',
      tags,
      summary: 'Change a saved view (its owner)',
      description: WHO,
      request: { params: IdParam, body: jsonBody(UpdateSavedView) },
      responses: { 200: json(SavedView, 'Updated'), ...ERRORS, ...CONFLICT },
    }),
    async (c) =>
      c.json(
        await updateSavedView({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/saved-views/{id}',
      tags,
      summary: 'Delete a saved view (its owner)',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteSavedView({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );

  return app;
}
