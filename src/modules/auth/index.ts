export { writeAudit } from './audit.ts';
export { authRoutes, publicAuthRoutes } from './auth.routes.ts';
export { authorize, can, isOnTeam } from './authorize.ts';
export { createToken, createWriteKey, findWorkspaceByWriteKey } from './keys.ts';
export type { Permission, Role, Scope } from './permissions.ts';
export { PERMISSION_TABLE, ROLES, SCOPES } from './permissions.ts';
export { generatePassword } from './secrets.ts';
export { pruneAuth } from './sessions.ts';
export { CreateUser, createUser, getUser, listUsers, UpdateUser, User, updateUser } from './users.ts';
