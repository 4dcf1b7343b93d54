export interface NotificationsTable {
  id: string;
  workspace_id: string;
  user_id: string;
  kind: string;
  title: string;
  /** Title and body as messages (JSON key + params), rendered in the reader's language on read. */
  title_message: string | null;
  body: string | null;
  body_message: string | null;
  account_id: string | null;
  task_id: string | null;
  data: string | null;
  dedupe_key: string | null;
  read_at: string | null;
  created_at: string;
}

export interface NotificationSettingsTable {
  workspace_id: string;
  user_id: string;
  daily_digest: number;
  /** 'daily' | 'weekly' (Mondays, workspace time zone). */
  digest_frequency: string;
  /** JSON array of notification kinds the user turned off. */
  muted_kinds: string;
  updated_at: string;
}

/** status: 'sent' | 'logged' (no SMTP configured) | 'empty' (nothing to report). */
export interface NotificationDigestsTable {
  workspace_id: string;
  user_id: string;
  day: string;
  status: string;
  notifications: number;
  tasks: number;
  created_at: string;
}

/** A team digest sent to a chat group (a subscription), daily. */
export interface ChannelDigestsTable {
  id: string;
  workspace_id: string;
  name: string;
  subscription_id: string;
  /** JSON array of user ids, or null for the whole workspace. */
  owner_ids: string | null;
  renewal_days: number;
  enabled: number;
  last_sent_day: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}
