import { createRoute } from '@hono/zod-openapi';
import { createRouter, ERRORS, IdParam, json } from '../../server/env.ts';
import { AccountFamily, getAccountFamily } from './families.ts';

/** Account families: the family view of Account 360. */
export function familiesRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/family',
      tags: ['Accounts'],
      summary:
        "The account's family (from its top ancestor): each account's figures and the rolled-up totals",
      request: { params: IdParam },
      responses: { 200: json(AccountFamily, 'The family tree'), ...ERRORS },
    }),
    async (c) =>
      c.json(await getAccountFamily({ ctx: c.get('ctx'), accountId: c.req.valid('param').id }), 200),
  );
  return app;
}
