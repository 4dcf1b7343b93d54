export interface SupportTicketsTable {
  id: string;
  workspace_id: string;
  /** The help desk's id: imports and the webhook create or update by it. */
  external_id: string;
  account_id: string;
  requester_email: string | null;
  requester_name: string | null;
  subject: string;
  status: string;
  priority: string;
  channel: string | null;
  opened_at: string;
  first_response_at: string | null;
  solved_at: string | null;
  /** 1-5; null when the customer did not rate it. */
  satisfaction: number | null;
  escalated: number;
  created_at: string;
  updated_at: string;
}
