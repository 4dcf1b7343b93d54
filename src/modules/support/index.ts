export { supportRoutes, TICKET_WEBHOOK_PATH, WRITE_KEY_HEADER } from './support.routes.ts';
export {
  LOW_SATISFACTION,
  OPEN_TICKET_STATUSES,
  TICKET_CHANNELS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  Ticket,
  UpsertTicket,
} from './support.schemas.ts';
export { median, supportFacts } from './ticket-facts.ts';
// Loading the module registers tickets as a target of the guided import.
export { cellInstant, TICKET_IMPORT_FIELDS, ticketImportTarget } from './ticket-import.ts';
export {
  accountTicketSummary,
  listAccountTickets,
  upsertTicket,
  upsertTickets,
  workspaceHasTickets,
} from './tickets.ts';
