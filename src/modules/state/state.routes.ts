import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../../context.ts';
import { createRouter, ERRORS, IdParam, json, listOf } from '../../server/env.ts';
import {
  AccountState,
  AccountStatesQuery,
  AccountStatesSummary,
  AccountStatesSummaryQuery,
  listAccountStates,
  type SummaryBand,
  summarizeAccountStates,
} from './account-states.ts';
import { listAccountOverrides } from './overrides.ts';
import { StateOverride } from './state.schemas.ts';

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
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/state-overrides',
      tags,
      summary: 'The account’s manual tier and stage (set with a reason, maybe until a day), if any',
      description:
        '`today` is the workspace’s day: an override whose expiresOn is before it no longer holds. Set and remove them at /accounts/{id}/tier-override and /accounts/{id}/stage-override.',
      request: { params: IdParam },
      responses: {
        200: json(z.object({ items: z.array(StateOverride), today: z.string() }), 'The overrides'),
        ...ERRORS,
      },
    }),
    async (c) =>
      c.json(await listAccountOverrides({ ctx: c.get('ctx'), accountId: c.req.valid('param').id }), 200),
  );
  return app;
}
