import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ERRORS, json, jsonBody } from '../../server/env.ts';
import { RecomputeInput, recompute } from './recompute.ts';

const Result = z.object({
  day: z.string(),
  accounts: z.number(),
  scored: z.number(),
  changes: z.object({
    health_status: z.number(),
    tier: z.number(),
    stage: z.number(),
    segment_enter: z.number(),
    segment_exit: z.number(),
  }),
});

export function recomputeRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/recompute',
      tags: ['Facts'],
      summary:
        'Recompute health, tiers, stages and segments now, or backfill a range of past days (managers and admins)',
      description:
        'Runs facts -> health -> tier -> stage -> segments for every account. Without a body: today. With from/to: each day in order (every `step` days, ending on `to`), up to 400 days. Idempotent per day.',
      request: { body: { ...jsonBody(RecomputeInput), required: false } },
      responses: { 200: json(z.object({ items: z.array(Result) }), 'What each day changed'), ...ERRORS },
    }),
    async (c) => {
      const input = (await c.req.json().catch(() => ({}))) as unknown;
      return c.json(
        { items: await recompute({ ctx: c.get('ctx'), input: RecomputeInput.parse(input ?? {}) }) },
        200,
      );
    },
  );
  return app;
}
