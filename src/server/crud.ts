import { createRoute, type z } from '@hono/zod-openapi';
import { CONFLICT, type createRouter, ERRORS, IdParam, json, jsonBody, listOf, NO_CONTENT } from './env.ts';

type Verbs<T, L, C, U> = {
  list: (a: { ctx: never; input: L }) => Promise<{ items: T[]; nextCursor: string | null }>;
  create: (a: { ctx: never; input: C }) => Promise<T>;
  get: (a: { ctx: never; id: string }) => Promise<T>;
  update: (a: { ctx: never; id: string; input: U }) => Promise<T>;
  remove: (a: { ctx: never; id: string }) => Promise<void>;
};

/** The five routes of a plain resource: list, create, get, update, delete. */
export function crud<S extends z.ZodType, LQ extends z.ZodObject, CB extends z.ZodType, UB extends z.ZodType>(
  app: ReturnType<typeof createRouter>,
  r: {
    path: string;
    tag: string;
    /** Plural noun for summaries, e.g. 'contacts'. */
    plural: string;
    schema: S;
    /** Query parameters of the list; omit for lists that take none. */
    listQuery?: LQ;
    create: CB;
    update: UB;
    verbs: Verbs<z.infer<S>, z.output<LQ>, z.input<CB>, z.input<UB>>;
    what: string;
  },
) {
  const tags = [r.tag];
  const one = `${r.path}/{id}`;
  // The verbs check permissions and workspace scope; these adapters only move data in and out.
  const verbs = r.verbs as unknown as Verbs<unknown, unknown, unknown, unknown>;
  app.openapi(
    createRoute({
      method: 'get',
      path: r.path,
      tags,
      summary: `List ${r.plural}`,
      request: r.listQuery ? { query: r.listQuery } : {},
      responses: { 200: json(listOf(r.schema), 'A page'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        (await verbs.list({
          ctx: c.get('ctx') as never,
          input: r.listQuery ? valid(c, 'query') : ({} as never),
        })) as never,
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: r.path,
      tags,
      summary: `Create a ${r.what}`,
      request: { body: jsonBody(r.create) },
      responses: { 201: json(r.schema, 'Created'), ...ERRORS, ...CONFLICT },
    }),
    async (c) =>
      c.json((await verbs.create({ ctx: c.get('ctx') as never, input: valid(c, 'json') })) as never, 201),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: one,
      tags,
      summary: `One ${r.plural.replace(/s$/, '')}`,
      request: { params: IdParam },
      responses: { 200: json(r.schema, 'Found'), ...ERRORS },
    }),
    async (c) =>
      c.json((await verbs.get({ ctx: c.get('ctx') as never, id: c.req.param('id')! })) as never, 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: one,
      tags,
      summary: `Change a ${r.what}`,
      request: { params: IdParam, body: jsonBody(r.update) },
      responses: { 200: json(r.schema, 'Updated'), ...ERRORS, ...CONFLICT },
    }),
    async (c) =>
      c.json(
        (await verbs.update({
          ctx: c.get('ctx') as never,
          id: c.req.param('id')!,
          input: valid(c, 'json'),
        })) as never,
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: one,
      tags,
      summary: `Delete a ${r.what}`,
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await verbs.remove({ ctx: c.get('ctx') as never, id: c.req.param('id')! });
      return c.body(null, 204);
    },
  );
}

/** Generic routes lose the per-route input types; the schemas above still validated the input. */
const valid = (c: { req: { valid: unknown } }, target: 'query' | 'json'): never =>
  (c.req.valid as (t: string) => never)(target);
