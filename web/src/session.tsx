import { createContext, type ReactNode, useContext } from 'react';
import type { Account, Me, Role } from './api/types.ts';

// Mirrors src/modules/auth/permissions.ts for what the UI offers; the API still decides.
type Permission =
  | 'accounts:update'
  | 'contacts:write'
  | 'contracts:write'
  | 'notes:write'
  | 'settings:write'
  | 'users:manage'
  | 'keys:manage'
  | 'requests:write'
  | 'requests:group'
  | 'renewals:write';
type Grant = 'all' | 'team' | 'none';
const TABLE: Record<Role, Record<Permission, Grant>> = {
  admin: {
    'accounts:update': 'all',
    'contacts:write': 'all',
    'contracts:write': 'all',
    'notes:write': 'all',
    'settings:write': 'all',
    'users:manage': 'all',
    'keys:manage': 'all',
    'requests:write': 'all',
    'requests:group': 'all',
    'renewals:write': 'all',
  },
  manager: {
    'accounts:update': 'all',
    'contacts:write': 'all',
    'contracts:write': 'all',
    'notes:write': 'all',
    'settings:write': 'all',
    'users:manage': 'none',
    'keys:manage': 'none',
    'requests:write': 'all',
    'requests:group': 'all',
    'renewals:write': 'all',
  },
  csm: {
    'accounts:update': 'team',
    'contacts:write': 'team',
    'contracts:write': 'none',
    'notes:write': 'all',
    'settings:write': 'none',
    'users:manage': 'none',
    'keys:manage': 'none',
    'requests:write': 'all',
    'requests:group': 'all',
    'renewals:write': 'team',
  },
  viewer: {
    'accounts:update': 'none',
    'contacts:write': 'none',
    'contracts:write': 'none',
    'notes:write': 'none',
    'settings:write': 'none',
    'users:manage': 'none',
    'keys:manage': 'none',
    'requests:write': 'none',
    'requests:group': 'none',
    'renewals:write': 'none',
  },
};

const SessionContext = createContext<Me | null>(null);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <SessionContext.Provider value={me}>{children}</SessionContext.Provider>;
}

export function useSession() {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession outside SessionProvider');
  const can = (permission: Permission, account?: Pick<Account, 'ownerId' | 'team'>) => {
    const grant = TABLE[me.user.role][permission];
    if (grant !== 'team') return grant === 'all';
    if (!account) return false;
    return account.ownerId === me.user.id || account.team.some((m) => m.userId === me.user.id);
  };
  const isManager = me.user.role === 'admin' || me.user.role === 'manager';
  return { me, user: me.user, can, isManager };
}
