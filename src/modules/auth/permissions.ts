export const ROLES = ['admin', 'manager', 'csm', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | 'read'
  | 'profile:write'
  | 'accounts:create'
  | 'accounts:update'
  | 'accounts:delete'
  | 'accounts:bulk'
  | 'contacts:write'
  | 'contracts:write'
  | 'notes:write'
  | 'settings:write'
  | 'imports:run'
  | 'audit:read'
  | 'users:manage'
  | 'keys:manage'
  | 'tasks:write'
  | 'requests:write'
  | 'requests:group'
  | 'requests:delete'
  | 'team:manage'
  | 'renewals:write'
  | 'scorecards:read'
  | 'tickets:write'
  | 'qbr:configure';

/**
 * 'team' means only on accounts the user owns or is a team member of. The table is the whole
 * policy: a permission missing for a role is a compile error, not a silent deny.
 */
export const GRANTS = ['all', 'team', 'none'] as const;
export type Grant = (typeof GRANTS)[number];

export const PERMISSION_TABLE: Record<Role, Record<Permission, Grant>> = {
  admin: {
    read: 'all',
    // Own name, language and password: even viewers keep their profile.
    'profile:write': 'all',
    'accounts:create': 'all',
    'accounts:update': 'all',
    'accounts:delete': 'all',
    'accounts:bulk': 'all',
    'contacts:write': 'all',
    'contracts:write': 'all',
    'notes:write': 'all',
    'settings:write': 'all',
    'imports:run': 'all',
    'audit:read': 'all',
    'users:manage': 'all',
    'keys:manage': 'all',
    'tasks:write': 'all',
    'requests:write': 'all',
    'requests:group': 'all',
    'requests:delete': 'all',
    // Groups, capacities, assignment and CSM offboarding.
    'team:manage': 'all',
    'renewals:write': 'all',
    'scorecards:read': 'all',
    // Support tickets (the webhook with a user's API token, the import).
    'tickets:write': 'all',
    // The workspace's QBR settings (tier -> template, hourly cost): what every customer's report says.
    'qbr:configure': 'all',
  },
  manager: {
    read: 'all',
    'profile:write': 'all',
    'accounts:create': 'all',
    'accounts:update': 'all',
    'accounts:delete': 'all',
    'accounts:bulk': 'all',
    'contacts:write': 'all',
    'contracts:write': 'all',
    'notes:write': 'all',
    'settings:write': 'all',
    'imports:run': 'all',
    'audit:read': 'all',
    'users:manage': 'none',
    'keys:manage': 'none',
    'tasks:write': 'all',
    'requests:write': 'all',
    'requests:group': 'all',
    'requests:delete': 'all',
    'team:manage': 'all',
    'renewals:write': 'all',
    'scorecards:read': 'all',
    // Support tickets (the webhook with a user's API token, the import).
    'tickets:write': 'all',
    // An admin's decision; a manager reads the settings and can still pick a template or cost per report.
    'qbr:configure': 'none',
  },
  csm: {
    read: 'all',
    'profile:write': 'all',
    'accounts:create': 'none',
    'accounts:update': 'team',
    'accounts:delete': 'none',
    'accounts:bulk': 'none',
    'contacts:write': 'team',
    // Commercial terms are the AE's and manager's; a CSM records outcomes through renewals.
    'contracts:write': 'none',
    'notes:write': 'all',
    'settings:write': 'none',
    'imports:run': 'none',
    'audit:read': 'none',
    'users:manage': 'none',
    'keys:manage': 'none',
    // Tasks of accounts on their team; tasks assigned to them are checked in tasks/access.ts.
    'tasks:write': 'team',
    // CSMs log what customers ask on any account and group similar asks; deleting is a manager's.
    'requests:write': 'all',
    'requests:group': 'all',
    'requests:delete': 'none',
    'team:manage': 'none',
    // A CSM works the renewals of their own accounts (stage, forecast, outcome).
    'renewals:write': 'team',
    // 'team' here: a CSM sees only their own scorecard.
    'scorecards:read': 'team',
    // Support tickets (the webhook with a user's API token, the import).
    'tickets:write': 'team',
    'qbr:configure': 'none',
  },
  viewer: {
    read: 'all',
    'profile:write': 'all',
    'accounts:create': 'none',
    'accounts:update': 'none',
    'accounts:delete': 'none',
    'accounts:bulk': 'none',
    'contacts:write': 'none',
    'contracts:write': 'none',
    'notes:write': 'none',
    'settings:write': 'none',
    'imports:run': 'none',
    'audit:read': 'none',
    'users:manage': 'none',
    'keys:manage': 'none',
    'tasks:write': 'none',
    'requests:write': 'none',
    'requests:group': 'none',
    'requests:delete': 'none',
    'team:manage': 'none',
    'renewals:write': 'none',
    'scorecards:read': 'none',
    // Support tickets (the webhook with a user's API token, the import).
    'tickets:write': 'none',
    'qbr:configure': 'none',
  },
};

/** Every permission, in the table's order (the admin row lists them all). */
export const PERMISSIONS = Object.keys(PERMISSION_TABLE.admin) as Permission[];

export const SCOPES = ['read', 'write'] as const;
export type Scope = (typeof SCOPES)[number];
