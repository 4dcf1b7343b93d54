import type { ColumnType } from 'kysely';

export interface EventIdsTable {
  workspace_id: string;
  message_id: string;
}

export interface EventsTable {
  id: string;
  workspace_id: string;
  message_id: string;
  source: string;
  type: string;
  event_name: string;
  /** userId, else anonymousId: the one key a person is counted by. */
  user_key: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  /** Null while pending: the account named by the event (or its user) is not known yet. */
  account_id: string | null;
  group_external_id: string | null;
  properties: string;
  context: string | null;
  timestamp: string;
  original_timestamp: string | null;
  sent_at: string | null;
  received_at: string;
  day: string;
  /** Occurrences this row stands for: 1 for a tracked event, N for a daily usage aggregate. */
  count: ColumnType<number, number | undefined, number>;
}

export interface IdentitiesTable {
  workspace_id: string;
  user_key: string;
  account_id: string | null;
  group_external_id: string | null;
  traits: string;
  first_seen_at: string;
  last_seen_at: string;
}

export interface RejectedEventsTable {
  id: string;
  workspace_id: string;
  reason: string;
  detail: string | null;
  payload: string;
  received_at: string;
}

export interface IngestCountersTable {
  workspace_id: string;
  counter: string;
  value: number;
}

export interface IngestSettingsTable {
  workspace_id: string;
  group_trait_map: string;
  max_future_hours: number;
  retention_days: number;
  /** 1: a write key's group call may rename an existing account (default 0). */
  write_key_renames: number;
  updated_at: string;
}
