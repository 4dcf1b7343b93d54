import { getConnInfo } from '@hono/node-server/conninfo';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Ctx } from '../context.ts';
import { fromZod } from '../errors.ts';
import type { Locale } from '../i18n/index.ts';

export type AppEnv = {
  Variables: {
    requestId: string;
    /** The client's own X-Request-Id, if it sent a well-formed one. */
    clientRequestId?: string;
    /** The reader's language: Accept-Language when it names one we speak, else the signed-in user's. */
    locale: Locale;
    /** Set by the auth middleware on every authenticated /api/v1 request. */
    ctx: Ctx;
  };
};

/** A module's sub-app: validation failures become our 400 error shape naming the field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw fromZod(result.error, result.target === 'json' ? 'body' : result.target);
    },
  });
}

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({
  content: { 'application/json': { schema: ErrorBody } },
  description,
});

/** The error answers every authenticated route can give. */
export const ERRORS = {
  400: errorResponse('Invalid input; details.issues names each field'),
  401: errorResponse('Not signed in, or the token is unknown, revoked or expired'),
  403: errorResponse('The role or token scope does not allow this, or the CSRF token is missing'),
  404: errorResponse('Not found in this workspace'),
} as const;
export const CONFLICT = { 409: errorResponse('Conflicts with existing data') } as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: true,
});

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const NO_CONTENT = { 204: { description: 'Done' } } as const;

/**
 * The peer address. X-Forwarded-For is not trusted: anyone could rotate it to dodge the login
 * limiter (the per-email limit still applies behind a proxy).
 */
/**
 * The client's address. With `trustProxy` the last X-Forwarded-For hop is used: the one the
 * trusted proxy appended itself (earlier hops are whatever the client sent).
 */
export function clientIp(c: Context, trustProxy = false): string {
  if (trustProxy) {
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((h) => h.trim());
    const last = hops.at(-1);
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // in-process requests (tests) have no socket
  }
}
