import { createContext, type ReactNode, useContext } from 'react';
import type { Account, Me, Permission } from './api/types.ts';
import { dayInZone } from './format.ts';

// The user's row of the permission table comes with GET /auth/me (server: auth/permissions.ts);
// it decides what the UI offers, the API still decides what happens.
const SessionContext = createContext<Me | null>(null);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <SessionContext.Provider value={me}>{children}</SessionContext.Provider>;
}

export function useSession() {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession outside SessionProvider');
  const can = (permission: Permission, account?: Pick<Account, 'ownerId' | 'team'>) => {
    const grant = me.permissions[permission];
    if (grant !== 'team') return grant === 'all';
    if (!account) return false;
    return account.ownerId === me.user.id || account.team.some((m) => m.userId === me.user.id);
  };
  const isManager = me.user.role === 'admin' || me.user.role === 'manager';
  // Today in the workspace's zone: the day the server's windows, due dates and reports count by.
  const today = dayInZone(me.workspace.timeZone);
  return { me, user: me.user, can, isManager, today };
}
