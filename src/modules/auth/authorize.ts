import type { Ctx } from '../../context.ts';
import { AppError, forbidden } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
// Not through accounts/index.ts: accounts authorizes through auth, and refs.ts imports no module.
import { isOnAccountTeam } from '../accounts/refs.ts';
import { PERMISSION_TABLE, type Permission } from './permissions.ts';

/**
 * Throws unless the actor may do `permission` (on `accountId`, for team-scoped grants).
 * System actors (jobs, first start, CLI as operator) may do everything.
 */
export async function authorize(ctx: Ctx, permission: Permission, accountId?: string): Promise<void> {
  const actor = ctx.actor;
  if (actor.kind === 'system') return;
  if (permission !== 'read' && !actor.scopes.includes('write')) {
    throw new AppError('forbidden', msg('error.readOnlyToken'));
  }
  const grant = PERMISSION_TABLE[actor.role][permission];
  if (grant === 'all') return;
  if (grant === 'team' && accountId !== undefined && (await isOnAccountTeam(ctx, actor.userId, accountId)))
    return;
  const params = {
    role: msg(`role.${actor.role}`),
    permission: msg(`permission.${permission}`),
    key: permission,
  };
  throw forbidden(msg(grant === 'team' ? 'error.roleMayOnlyOnTeam' : 'error.roleMayNot', params));
}

/** May the actor do this? For UIs deciding which buttons to show; never a substitute for authorize. */
export function can(ctx: Ctx, permission: Permission): 'all' | 'team' | 'none' {
  if (ctx.actor.kind === 'system') return 'all';
  return PERMISSION_TABLE[ctx.actor.role][permission];
}
