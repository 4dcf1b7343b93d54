export interface CustomerRequestsTable {
  id: string;
  workspace_id: string;
  /** Per-workspace sequence people quote ("#123"). */
  number: number;
  account_id: string;
  contact_id: string | null;
  type: string;
  product_area: string | null;
  title: string;
  description: string | null;
  status: string;
  /** 0/1: the ask itself would make a showcase (示范效应); weighed for high-value accounts. */
  showcase: number;
  group_id: string | null;
  /** 'auto' when similarity put it in its group, 'manual' after a merge or split. */
  grouped_by: string | null;
  /** How many distinct grams the text has: Dice = 2 x shared / (this + the other's). */
  gram_count: number;
  logged_by: string | null;
  created_at: string;
  updated_at: string;
  status_changed_at: string;
  closed_at: string | null;
}

export interface RequestGroupsTable {
  id: string;
  workspace_id: string;
  title: string;
  created_at: string;
  updated_at: string;
}

/** The gram index: which requests contain a gram, so similar requests are found without a scan. */
export interface RequestGramsTable {
  workspace_id: string;
  gram: string;
  request_id: string;
}

export interface RequestSettingsTable {
  workspace_id: string;
  settings: string;
  last_number: number;
  updated_at: string;
}
