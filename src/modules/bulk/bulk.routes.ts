import { createRoute } from '@hono/zod-openapi';
import { createRouter, ERRORS, json, jsonBody } from '../../server/env.ts';
import { BULK_LIMIT, BulkAccounts, BulkResult, bulkAccounts } from './bulk.ts';

/** Bulk actions on the accounts list. */
export function bulkRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/accounts/bulk',
      tags: ['Accounts'],
      summary: `Act on many accounts at once, all or nothing (managers and admins; at most ${BULK_LIMIT})`,
      description: `Select accounts by \`ids\` or by \`filter\` (the GET /accounts query: "all N matching"), then one or more actions: assign the owner, put a user in a team role, add or remove a tag, set a manual tier with a reason, create a task on each. Everything is checked first (users, tier, the limit of ${BULK_LIMIT} accounts: above it a 400 saying how many were selected); then every change is made in one transaction, each account with its own timeline entry and audit row. Answers how many accounts changed in each way.`,
      request: { body: jsonBody(BulkAccounts) },
      responses: { 200: json(BulkResult, 'What changed'), ...ERRORS },
    }),
    async (c) => c.json(await bulkAccounts({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  return app;
}
