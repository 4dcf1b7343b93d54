import { z } from '@hono/zod-openapi';
import { Limit } from '../../pagination.ts';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Still waiting on the support team or the customer. */
export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_CHANNELS = ['email', 'chat', 'phone', 'web', 'wechat', 'api', 'other'] as const;
/** A rating at or below this (of 5) is "low satisfaction" on the timeline and out as an event. */
export const LOW_SATISFACTION = 2;

export const TicketStatusSchema = z.enum(TICKET_STATUSES).openapi('TicketStatus');
export const TicketPrioritySchema = z.enum(TICKET_PRIORITIES).openapi('TicketPriority');
export const TicketChannelSchema = z.enum(TICKET_CHANNELS).openapi('TicketChannel');

/** An instant: ISO 8601 with an offset (help desks send UTC), checked by the verb. */
const Instant = z.string().trim().min(1).max(40);

/**
 * One ticket as a help desk sends it: created or updated by `externalId`. Satisfaction is 1-5, or
 * good/bad (stored as 5/1), as Zendesk and most Chinese help desks rate.
 */
const UpsertTicketFields = z.object({
  externalId: z.string().trim().min(1).max(200),
  /** The account's external id (or Steward id as accountId). */
  accountExternalId: z.string().trim().min(1).max(200).optional(),
  accountId: z.string().trim().min(1).optional(),
  subject: z.string().trim().min(1).max(500).optional(),
  status: TicketStatusSchema.optional(),
  priority: TicketPrioritySchema.optional(),
  channel: TicketChannelSchema.nullish(),
  requesterEmail: z.string().trim().max(320).nullish(),
  requesterName: z.string().trim().max(200).nullish(),
  createdAt: Instant.optional().describe('When the customer opened it (default: now)'),
  firstResponseAt: Instant.nullish(),
  solvedAt: Instant.nullish().describe('Default: now when the status becomes solved or closed'),
  satisfaction: z
    .union([z.int().min(1).max(5), z.enum(['good', 'bad'])])
    .nullish()
    .transform((v) => (v === 'good' ? 5 : v === 'bad' ? 1 : v)),
  escalated: z.boolean().optional(),
});
export const UpsertTicket = UpsertTicketFields.refine(
  (t) => t.accountExternalId !== undefined || t.accountId !== undefined,
  {
    path: ['accountExternalId'],
    message: 'give accountExternalId or accountId',
  },
);
export type UpsertTicket = z.input<typeof UpsertTicket>;

/** One ticket, or `{ tickets: [...] }` (then the batch's errors name the ticket: tickets.3.status). */
export const TicketWebhookBody = UpsertTicketFields.partial().extend({
  tickets: z.array(UpsertTicket).min(1).max(500).optional(),
});

export const Ticket = z
  .object({
    id: z.string(),
    externalId: z.string(),
    accountId: z.string(),
    subject: z.string(),
    status: TicketStatusSchema,
    priority: TicketPrioritySchema,
    channel: TicketChannelSchema.nullable(),
    requesterEmail: z.string().nullable(),
    requesterName: z.string().nullable(),
    openedAt: z.string(),
    firstResponseAt: z.string().nullable(),
    solvedAt: z.string().nullable(),
    satisfaction: z.number().nullable(),
    escalated: z.boolean(),
    updatedAt: z.string(),
  })
  .openapi('Ticket');
export type Ticket = z.infer<typeof Ticket>;

export const ListAccountTickets = z.object({
  cursor: z.string().optional(),
  limit: Limit,
  status: z.enum(['open', 'solved', 'all']).default('all'),
});
export type ListAccountTickets = z.infer<typeof ListAccountTickets>;

export const TicketSummary = z.object({
  open: z.number(),
  last30d: z.number(),
  last90d: z.number(),
  medianResolutionHours90d: z.number().nullable(),
  escalations90d: z.number(),
  satisfaction90d: z.number().nullable(),
});
