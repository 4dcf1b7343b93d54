export { writeAudit } from './audit.ts';
export { authRoutes, publicAuthRoutes } from './auth.routes.ts';
export { authorize, can } from './authorize.ts';
export { createToken, createWriteKey, findWorkspaceByWriteKey } from './keys.ts';
export type { Permission, Role, Scope } from './permissions.ts';
export { PERMISSION_TABLE, ROLES, SCOPES } from './permissions.ts';
export { generatePassword } from './secrets.ts';
export { pruneAuth } from './sessions.ts';
export { listUserRefs, type UserRef, userNames, userRefs } from './user-refs.ts';
export {
  CreateUser,
  createUser,
  getUser,
  listUsers,
  PasswordReset,
  ResetPassword,
  resetUserPassword,
  sharedPassword,
  UpdateUser,
  User,
  updateUser,
} from './users.ts';
