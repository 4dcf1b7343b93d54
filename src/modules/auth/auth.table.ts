import type { Role } from './permissions.ts';

export interface UsersTable {
  id: string;
  workspace_id: string;
  email: string;
  name: string;
  locale: string;
  role: Role;
  password_hash: string;
  active: number;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  workspace_id: string;
  user_id: string;
  csrf_token: string;
  expires_at: string;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  workspace_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  scopes: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface WriteKeysTable {
  id: string;
  workspace_id: string;
  name: string;
  key_hash: string;
  prefix: string;
  created_by: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface LoginAttemptsTable {
  id: string;
  email: string;
  ip: string;
  succeeded: number;
  created_at: string;
}

/** One row per limiter key (`e:<email>`, `ei:<email>|<ip>`, `i:<ip>`): failures since the last success. */
export interface LoginThrottleTable {
  key: string;
  failures: number;
  blocked_until: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: string;
  workspace_id: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: string | null;
  after: string | null;
  request_id: string | null;
  client_request_id: string | null;
  /** The API token that made the change, when it was made with one. */
  token_id: string | null;
  created_at: string;
}
