import { createRoute, z } from '@hono/zod-openapi';
import { type Ctx, type Deps, systemCtx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { createRouter, ERRORS, IdParam, json, jsonBody, listOf } from '../../server/env.ts';
import { findWorkspaceByWriteKey } from '../auth/index.ts';
import { getWorkspace, toRef } from '../workspaces/index.ts';
import {
  ListAccountTickets,
  Ticket,
  TicketSummary,
  TicketWebhookBody,
  type UpsertTicket,
} from './support.schemas.ts';
import { accountTicketSummary, listAccountTickets, upsertTicket, upsertTickets } from './tickets.ts';

export const TICKET_WEBHOOK_PATH = '/api/v1/tickets/webhook';
export const WRITE_KEY_HEADER = 'x-steward-write-key';

/** A tracking write key as the Basic auth username (Segment's convention) or in x-steward-write-key. */
function writeKeyOf(authorization: string | undefined, header: string | undefined): string | undefined {
  if (header) return header.trim();
  const m = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  const user = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':')[0] : undefined;
  return user || undefined;
}

/** Support tickets: the inbound webhook, an account's tickets and their figures (imports: POST /imports/tickets, the guided import). */
export function supportRoutes(deps: Deps) {
  const app = createRouter();
  const tags = ['Support'];

  app.openapi(
    createRoute({
      method: 'post',
      path: '/tickets/webhook',
      tags,
      summary:
        'Create or update support tickets by the help desk’s id (one, or `{ tickets: [...] }` up to 500)',
      description: `Authenticated with a write key (the Basic auth username, as the tracking API, or the \`${WRITE_KEY_HEADER}\` header) or an API token (Bearer, a user who may write tickets). Fields left out keep their stored value; a solved or closed status without \`solvedAt\` is solved now. Times are ISO 8601 with an offset. Openings, solutions, escalations and ratings of 2/5 or less go on the account’s timeline, dated when they happened.`,
      request: { body: jsonBody(TicketWebhookBody) },
      responses: {
        200: json(
          z.object({ created: z.number(), updated: z.number(), tickets: z.array(Ticket) }),
          'The tickets as stored',
        ),
        ...ERRORS,
      },
    }),
    async (c) => {
      let ctx: Ctx | undefined = c.get('ctx');
      if (!ctx) {
        const key = writeKeyOf(c.req.header('authorization'), c.req.header(WRITE_KEY_HEADER));
        if (!key) throw new AppError('unauthenticated', msg('ticket.error.noKey'));
        const workspaceId = await findWorkspaceByWriteKey(deps, key);
        if (!workspaceId) throw new AppError('unauthenticated', msg('ticket.error.unknownKey'));
        ctx = {
          ...systemCtx(deps, toRef(await getWorkspace(deps, workspaceId)), 'ticket-webhook'),
          locale: c.get('locale'),
        };
      }
      const body = c.req.valid('json');
      // A single ticket's errors name its fields; a batch's name the ticket too (tickets.3.subject).
      const results =
        body.tickets !== undefined
          ? await upsertTickets({ ctx, input: body.tickets })
          : [await upsertTicket({ ctx, input: body as UpsertTicket })];
      return c.json(
        {
          created: results.filter((r) => r.created).length,
          updated: results.filter((r) => !r.created).length,
          tickets: results.map((r) => r.ticket),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/tickets',
      tags,
      summary: 'The account’s support tickets, newest first',
      request: { params: IdParam, query: ListAccountTickets },
      responses: { 200: json(listOf(Ticket), 'A page'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await listAccountTickets({
          ctx: c.get('ctx'),
          accountId: c.req.valid('param').id,
          input: c.req.valid('query'),
        }),
        200,
      ),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/tickets/summary',
      tags,
      summary: 'The account’s ticket figures today (the same windows as the ticket facts)',
      request: { params: IdParam },
      responses: { 200: json(TicketSummary, 'Figures'), ...ERRORS },
    }),
    async (c) =>
      c.json(await accountTicketSummary({ ctx: c.get('ctx'), accountId: c.req.valid('param').id }), 200),
  );
  return app;
}
