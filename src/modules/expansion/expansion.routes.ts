import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ERRORS, IdParam, json, jsonBody, NO_CONTENT } from '../../server/env.ts';
import {
  CreateOpportunity,
  createOpportunity,
  deleteOpportunity,
  ListOpportunities,
  listAccountOpportunities,
  listOpportunities,
  Opportunity,
  UpdateOpportunity,
  updateOpportunity,
} from './expansion.ts';

const items = z.object({ items: z.array(Opportunity) });
const WHO = "AEs' and managers' work, and the account's CSM (renewals:write).";

/** Expansion opportunities: cross-sell, up-sell, seats. */
export function expansionRoutes() {
  const app = createRouter();
  const tags = ['Expansion'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/opportunities',
      tags,
      summary: "The account's expansion opportunities (open first)",
      request: { params: IdParam },
      responses: { 200: json(items, 'Opportunities'), ...ERRORS },
    }),
    async (c) =>
      c.json(await listAccountOpportunities({ ctx: c.get('ctx'), accountId: c.req.valid('param').id }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/accounts/{id}/opportunities',
      tags,
      summary: 'Record an expansion opportunity',
      description: WHO,
      request: { params: IdParam, body: jsonBody(CreateOpportunity) },
      responses: { 201: json(Opportunity, 'Created'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await createOpportunity({
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
      path: '/opportunities',
      tags,
      summary: 'Expansion opportunities on readable accounts (stage, or `open`; close date range)',
      request: { query: ListOpportunities },
      responses: { 200: json(items, 'Opportunities by close date'), ...ERRORS },
    }),
    async (c) => c.json(await listOpportunities({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/opportunities/{id}',
      tags,
      summary: 'Change an opportunity (stage won or lost closes it)',
      description: WHO,
      request: { params: IdParam, body: jsonBody(UpdateOpportunity) },
      responses: { 200: json(Opportunity, 'Updated'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await updateOpportunity({
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
      path: '/opportunities/{id}',
      tags,
      summary: 'Delete an opportunity',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteOpportunity({ ctx: c.get('ctx'), id: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );
  return app;
}
