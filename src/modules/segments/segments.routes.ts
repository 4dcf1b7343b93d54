import { createRoute } from '@hono/zod-openapi';
import type { Ctx } from '../../context.ts';
import { crud } from '../../server/crud.ts';
import { createRouter, ERRORS, IdParam, json, jsonBody, listOf, NO_CONTENT } from '../../server/env.ts';
import { listTierHistory, StateChange, StateOverride } from '../state/index.ts';
import {
  clearTierOverride,
  createTieringScheme,
  deleteTieringScheme,
  getTieringScheme,
  listSchemeTemplates,
  listTieringSchemes,
  previewTieringScheme,
  setTierOverride,
  updateTieringScheme,
} from './schemes.ts';
import {
  CreateSegment,
  CreateTieringScheme,
  ListPage,
  PreviewSegment,
  PreviewTieringScheme,
  SchemeTemplateOut,
  Segment,
  SegmentMember,
  SegmentPreview,
  SetTierOverride,
  TieringPreview,
  TieringScheme,
  UpdateSegment,
  UpdateTieringScheme,
} from './segments.schemas.ts';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegmentMembers,
  listSegments,
  previewSegment,
  updateSegment,
} from './segments.ts';

/**
 * Tiering schemes, saved segments, manual tiers and tier history. `computeMembership` runs today's
 * recompute (the one writer of membership and its enter/exit history) after a segment is saved, so
 * a new or changed segment shows its members at once; it is passed in because the recompute reads
 * this module (a cycle otherwise).
 */
export function segmentsRoutes({
  computeMembership,
}: {
  computeMembership?: (ctx: Ctx) => Promise<unknown>;
} = {}) {
  const app = createRouter();
  const thenCompute =
    <A extends { ctx: Ctx }>(verb: (a: A) => Promise<Segment>) =>
    async (a: A): Promise<Segment> => {
      const saved = await verb(a);
      if (!computeMembership) return saved;
      await computeMembership(a.ctx);
      return getSegment({ ctx: a.ctx, id: saved.id });
    };
  const tags = ['Segments'];

  // Before the crud routes: /tiering-schemes/templates must not be read as /tiering-schemes/{id}.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/tiering-schemes/templates',
      tags,
      summary:
        'Ready-made schemes: strategic/growth/nurture (the default), ARR bands, active-user bands, region/industry/size',
      description: 'Each is a body for POST /tiering-schemes.',
      responses: { 200: json(listOf(SchemeTemplateOut), 'The templates'), ...ERRORS },
    }),
    async (c) => c.json(await listSchemeTemplates({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/tiering-schemes/preview',
      tags,
      summary:
        'What-if: the tiers a scheme would give every account today, and who would move (writes nothing)',
      description:
        'Rules read the facts of today merged with each account’s current health, stage and segments, percentiles among all accounts and history for `changed by`, as the recompute does. Manual overrides still win.',
      request: { body: jsonBody(PreviewTieringScheme) },
      responses: { 200: json(TieringPreview, 'The preview'), ...ERRORS },
    }),
    async (c) => c.json(await previewTieringScheme({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  crud(app, {
    path: '/tiering-schemes',
    tag: 'Segments',
    plural: 'tiering schemes',
    schema: TieringScheme,
    create: CreateTieringScheme,
    update: UpdateTieringScheme,
    verbs: {
      list: listTieringSchemes,
      create: createTieringScheme,
      get: getTieringScheme,
      update: updateTieringScheme,
      remove: deleteTieringScheme,
    },
    what: 'tiering scheme by id or key (changes: managers and admins; ordered rules, first match wins; activating one deactivates the others)',
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/segments/preview',
      tags,
      summary:
        'What-if: the accounts a condition matches today, and who would enter or leave a saved segment',
      request: { body: jsonBody(PreviewSegment) },
      responses: { 200: json(SegmentPreview, 'The preview'), ...ERRORS },
    }),
    async (c) => c.json(await previewSegment({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  crud(app, {
    path: '/segments',
    tag: 'Segments',
    plural: 'segments',
    schema: Segment,
    create: CreateSegment,
    update: UpdateSegment,
    verbs: {
      list: listSegments,
      create: thenCompute(createSegment),
      get: getSegment,
      update: thenCompute(updateSegment),
      remove: deleteSegment,
    },
    what: 'saved segment by id or key (changes: managers and admins; saving computes today’s membership before it answers: memberCount)',
  });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/segments/{id}/members',
      tags,
      summary: 'The accounts in a segment as of the last recompute, by name',
      request: { params: IdParam, query: ListPage },
      responses: { 200: json(listOf(SegmentMember), 'A page'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await listSegmentMembers({
          ctx: c.get('ctx'),
          id: c.req.valid('param').id,
          input: c.req.valid('query'),
        }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/accounts/{id}/tier-override',
      tags,
      summary: 'Set the account’s tier by hand, with a reason, optionally until a day (inclusive)',
      description:
        'Wins over the tiering rules while it holds and takes effect at once (tier history, timeline). Needs accounts:update on the account: a CSM on its team may.',
      request: { params: IdParam, body: jsonBody(SetTierOverride) },
      responses: { 200: json(StateOverride, 'The override'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await setTierOverride({
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
      path: '/accounts/{id}/tier-override',
      tags,
      summary: 'Remove the account’s manual tier: the rules decide again at once',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await clearTierOverride({ ctx: c.get('ctx'), accountId: c.req.valid('param').id });
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/tier-history',
      tags,
      summary: 'The account’s tier changes, by the rules or by hand, newest first',
      request: { params: IdParam, query: ListPage },
      responses: { 200: json(listOf(StateChange), 'A page'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await listTierHistory({
          ctx: c.get('ctx'),
          accountId: c.req.valid('param').id,
          input: c.req.valid('query'),
        }),
        200,
      ),
  );
  return app;
}
