export interface RenewalsTable {
  id: string;
  workspace_id: string;
  contract_id: string;
  account_id: string;
  stage: string;
  probability: number | null;
  probability_reason: string | null;
  forecast_category: string | null;
  forecast_reason: string | null;
  expected_arr_minor: number | null;
  owner_id: string | null;
  outcome: string | null;
  next_contract_id: string | null;
  churn_reason: string | null;
  churn_note: string | null;
  closed_on: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
}
