import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../../context.ts';
import { createRouter, ERRORS, json, listOf } from '../../server/env.ts';
import {
  AccountState,
  AccountStatesQuery,
  AccountStatesSummary,
  AccountStatesSummaryQuery,
  listAccountStates,
  type SummaryBand,
  summarizeAccountStates,
} from './account-states.ts';

/**
 * Accounts by their current state. `statusBands` gives every health model's bands (first model
 * first); app.ts passes health's, as health reads this module and this module does not read it.
 */
export function stateRoutes({ statusBands }: { statusBands: (ctx: Ctx) => Promise<readonly SummaryBand[]> }) {
  const app = createRouter();
  const tags = ['Segments'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/account-states',
      tags,
      summary:
        'Accounts by their current health status, tier, stage or segment (as of the last recompute), by name',
      request: { query: AccountStatesQuery },
      responses: {
        200: json(listOf(AccountState).extend({ total: z.number().optional() }), 'A page'),
        ...ERRORS,
      },
    }),
    async (c) => c.json(await listAccountStates({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/account-states/summary',
      tags,
      summary: 'How many accounts (all, or one owner’s) are in each health status, tier and stage now',
      request: { query: AccountStatesSummaryQuery },
      responses: { 200: json(AccountStatesSummary, 'The counts'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await summarizeAccountStates({ ctx: c.get('ctx'), input: c.req.valid('query'), bands: statusBands }),
        200,
      ),
  );
  return app;
}
