export interface OpportunitiesTable {
  id: string;
  workspace_id: string;
  account_id: string;
  /** cross_sell | up_sell | seats */
  kind: string;
  title: string;
  /** Added ARR, base currency, minor units. */
  amount_minor: number;
  /** identified | qualified | proposal | negotiation | won | lost */
  stage: string;
  close_date: string | null;
  owner_id: string | null;
  note: string | null;
  /** When it was won or lost. */
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}
