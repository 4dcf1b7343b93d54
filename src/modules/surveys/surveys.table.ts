export interface SurveyResponsesTable {
  id: string;
  workspace_id: string;
  account_id: string;
  contact_id: string | null;
  /** Lower-cased; what throttling matches on. */
  contact_email: string | null;
  /** 'nps' (0-10) or 'csat' (1-5). */
  kind: string;
  score: number;
  comment: string | null;
  answered_at: string;
  /** The answer's day in the workspace zone, for periods and fact windows. */
  answered_day: string;
  /** 'email' (the survey page), 'api', 'import'. */
  source: string;
  send_id: string | null;
  recorded_by: string | null;
  /** The follow-up task a detractor's answer created, if any. */
  task_id: string | null;
  created_at: string;
}

/** A survey sent by email: the link's token (SHA-256 only) is single use. */
export interface SurveySendsTable {
  id: string;
  workspace_id: string;
  account_id: string;
  contact_id: string | null;
  contact_email: string;
  kind: string;
  token_hash: string;
  /** The language of the email and the page ('en' | 'zh-CN'). */
  locale: string;
  sent_at: string;
  expires_at: string;
  sent_by: string | null;
  /** 1 when the SMTP server took it; 0 when no SMTP is configured (the link still works). */
  delivered: number;
  answered_at: string | null;
  response_id: string | null;
}

export interface SurveySettingsTable {
  workspace_id: string;
  settings: string;
  updated_at: string;
}
