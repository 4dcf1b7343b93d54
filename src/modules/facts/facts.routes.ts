import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ERRORS, IdParam, json, listOf } from '../../server/env.ts';
import { getAccountFacts, getCatalogue } from './facts.ts';

const FactDefSchema = z.object({
  key: z.string(),
  type: z.enum(['number', 'string', 'boolean', 'date', 'string[]']),
  description: z.string(),
  options: z.array(z.string()).readonly().optional(),
});

export function factsRoutes() {
  const app = createRouter();
  const tags = ['Facts'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/facts/catalogue',
      tags,
      summary:
        'Every fact an account has (profile, custom fields, contracts, each metric, health, tier, stage), with type',
      description:
        'Conditions (segments, tier rules, stages, health-model selectors, automation) are written over these keys.',
      responses: { 200: json(listOf(FactDefSchema), 'The catalogue'), ...ERRORS },
    }),
    async (c) => c.json(await getCatalogue({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/facts',
      tags,
      summary: "An account's facts as of today",
      request: { params: IdParam },
      responses: {
        200: json(z.object({ day: z.string(), facts: z.record(z.string(), z.unknown()) }), 'The facts'),
        ...ERRORS,
      },
    }),
    async (c) =>
      c.json(await getAccountFacts({ ctx: c.get('ctx'), accountId: c.req.valid('param').id }), 200),
  );
  return app;
}
