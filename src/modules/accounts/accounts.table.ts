export interface AccountsTable {
  id: string;
  workspace_id: string;
  external_id: string;
  name: string;
  search_text: string;
  parent_id: string | null;
  owner_id: string | null;
  region: string | null;
  industry: string | null;
  product_lines: string;
  licensed_seats: number | null;
  go_live_date: string | null;
  tags: string;
  custom_fields: string;
  arr_minor: number;
  mrr_minor: number;
  renewal_date: string | null;
  created_at: string;
  updated_at: string;
}

export interface AccountMembersTable {
  workspace_id: string;
  account_id: string;
  user_id: string;
  role: string;
}

export interface CustomFieldDefinitionsTable {
  id: string;
  workspace_id: string;
  entity: string;
  key: string;
  label: string;
  type: string;
  options: string;
  required: number;
  created_at: string;
  updated_at: string;
}

export interface ContactsTable {
  id: string;
  workspace_id: string;
  account_id: string;
  external_user_id: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  role: string | null;
  wechat_id: string | null;
  /** Lower-cased name, email, phone (and its digits), WeChat id and pinyin: what search matches. */
  search_text: string;
  created_at: string;
  updated_at: string;
}

export interface CurrencyRatesTable {
  id: string;
  workspace_id: string;
  currency: string;
  rate: number;
  effective_date: string;
  created_at: string;
  updated_at: string;
}

export interface ContractsTable {
  id: string;
  workspace_id: string;
  account_id: string;
  external_id: string | null;
  start_date: string;
  end_date: string | null;
  amount_minor: number;
  currency: string;
  billing_period: string;
  fx_rate: number;
  arr_minor: number;
  mrr_minor: number;
  status: string;
  renews_contract_id: string | null;
  notes: string | null;
  created_at: string;
  updated_at: string;
}
