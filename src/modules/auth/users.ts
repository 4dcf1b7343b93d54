import { z } from '@hono/zod-openapi';
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { AppError, conflict, invalidField, notFound } from '../../errors.ts';
import { LOCALES, msg, render } from '../../i18n/index.ts';
import { requestLocale } from '../../i18n/request-locale.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';

import { writeAudit } from './audit.ts';
import type { UsersTable } from './auth.table.ts';
import { authorize } from './authorize.ts';
import { clearLoginFailures, countLoginAttempt } from './login-limiter.ts';
import { passwordProblem } from './password-policy.ts';
import { ROLES } from './permissions.ts';
import { generatePassword, hashPassword, verifyPassword } from './secrets.ts';

// Named in the OpenAPI document, so the web app's generated types export their values.
export const Locale = z.enum(LOCALES).openapi('Locale');
export const Role = z.enum(ROLES).openapi('Role');

export const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  locale: Locale,
  role: Role,
  active: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;

export function userRowToUser(row: UsersTable): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    locale: row.locale as User['locale'],
    role: row.role,
    active: row.active === 1,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
  };
}

// The rules that need no account (length, common, sequences) are part of the schema; the one
// about the user's own email is checked in the verbs, which know the email.
const Password = z
  .string()
  .max(200)
  .superRefine((pw, c) => {
    const problem = passwordProblem(pw);
    if (problem) c.addIssue({ code: 'custom', message: render(requestLocale(), problem) });
  });

function checkPasswordAgainstEmail(password: string | undefined, email: string): void {
  const problem = password === undefined ? undefined : passwordProblem(password, email);
  if (problem) throw invalidField('password', problem, 'input');
}

export const CreateUser = z.object({
  email: z.email().transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
  locale: z.enum(LOCALES).default('zh-CN'),
  password: Password,
});
export type CreateUser = z.infer<typeof CreateUser>;

export const UpdateUser = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: z.enum(ROLES),
    locale: z.enum(LOCALES),
    active: z.boolean(),
    password: Password,
  })
  .partial();
export type UpdateUser = z.infer<typeof UpdateUser>;

/** What a user may change about themselves; a new password needs the current one. */
export const UpdateMe = UpdateUser.pick({ name: true, locale: true, password: true }).extend({
  currentPassword: z.string().max(200).optional(),
});
export type UpdateMe = z.infer<typeof UpdateMe>;

const auditable = (u: User) => ({
  email: u.email,
  name: u.name,
  role: u.role,
  locale: u.locale,
  active: u.active,
});

/**
 * One random password and its hash, for many users created with it (`createUser`'s `shared`): the
 * demo's staff, who sign in only after an admin resets their password. A hash costs ~50 ms, so a
 * hash a user was most of the time spent hiring the 20,000-account demo's thousand CSMs.
 */
export async function sharedPassword(): Promise<{ password: string; hash: string }> {
  const password = generatePassword();
  return { password, hash: await hashPassword(password) };
}

export async function createUser({
  ctx,
  input,
  shared,
}: {
  ctx: Ctx;
  input: CreateUser;
  /** The password is `shared.password`: its hash is made once for all (sharedPassword). */
  shared?: { password: string; hash: string };
}): Promise<User> {
  await authorize(ctx, 'users:manage');
  const data = CreateUser.parse(input);
  checkPasswordAgainstEmail(data.password, data.email);
  const passwordHash =
    shared && shared.password === data.password ? shared.hash : await hashPassword(data.password);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const row: UsersTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      email: data.email,
      name: data.name,
      locale: data.locale,
      role: data.role,
      password_hash: passwordHash,
      active: 1,
      last_login_at: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('users').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        // Emails are unique across the installation (sign-in takes only email and password). A
        // workspace admin gets one neutral answer whether the email is taken here or in another
        // workspace, so the answer does not tell that someone elsewhere uses it; the operator
        // (CLI, first start) sees the plain reason.
        throw tx.actor.kind === 'system'
          ? conflict(msg('error.userEmailTaken', { email: data.email }))
          : new AppError('conflict', msg('sec.emailTaken'), {
              issues: [{ path: 'email', message: 'unavailable' }],
            });
      }
      throw error;
    }
    const user = userRowToUser(row);
    await writeAudit(tx, {
      action: 'user.created',
      entityType: 'user',
      entityId: user.id,
      after: auditable(user),
    });
    return user;
  });
}

export async function findUserRow(ctx: Ctx, id: string): Promise<UsersTable | undefined> {
  return ctx.db
    .selectFrom('users')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function getUser({ ctx, id }: { ctx: Ctx; id: string }): Promise<User> {
  await authorize(ctx, 'read');
  const row = await findUserRow(ctx, id);
  if (!row) throw notFound('User', id);
  return userRowToUser(row);
}

export const ListUsers = z.object({
  role: z.enum(ROLES).optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  q: z.string().optional(),
});
export type ListUsers = z.infer<typeof ListUsers>;

/** Users are few per workspace (hundreds), so the list is returned whole, ordered by name. */
export async function listUsers({ ctx, input }: { ctx: Ctx; input: ListUsers }) {
  await authorize(ctx, 'read');
  let q = ctx.db.selectFrom('users').selectAll().where('workspace_id', '=', ctx.workspace.id);
  if (input.role) q = q.where('role', '=', input.role);
  if (input.active !== undefined) q = q.where('active', '=', input.active ? 1 : 0);
  if (input.q) {
    const like = `%${input.q.toLowerCase()}%`;
    q = q.where((eb) => eb.or([eb(eb.fn('lower', ['name']), 'like', like), eb('email', 'like', like)]));
  }
  const rows = await q.orderBy('name').orderBy('id').execute();
  return { items: rows.map(userRowToUser), nextCursor: null };
}

async function applyUserUpdate(ctx: Ctx, id: string, input: UpdateUser): Promise<User> {
  if (input.password !== undefined) {
    const target = await findUserRow(ctx, id);
    if (!target) throw notFound('User', id);
    checkPasswordAgainstEmail(input.password, target.email);
  }
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return inTransaction(ctx, async (tx) => {
    const before = await findUserRow(tx, id);
    if (!before) throw notFound('User', id);
    if (before.role === 'admin' && ((input.role && input.role !== 'admin') || input.active === false)) {
      const admins = await tx.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', tx.workspace.id)
        .where('role', '=', 'admin')
        .where('active', '=', 1)
        .executeTakeFirstOrThrow();
      if (Number(admins.n) <= 1) throw conflict(msg('error.lastAdmin'));
    }
    const after = await tx.db
      .updateTable('users')
      .set({
        name: input.name,
        role: input.role,
        locale: input.locale,
        active: input.active === undefined ? undefined : input.active ? 1 : 0,
        password_hash: passwordHash,
        updated_at: nowIso(tx),
      })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // A deactivated user, or one whose password changed, must sign in again everywhere else, and
    // loses every API token: a token minted by whoever held the old password (or the account
    // before deactivation) must not outlive it, and reactivation does not bring tokens back.
    let tokensRevoked = 0;
    if (input.active === false || passwordHash) {
      const revoked = await tx.db
        .updateTable('api_tokens')
        .set({ revoked_at: nowIso(tx) })
        .where('workspace_id', '=', tx.workspace.id)
        .where('user_id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      tokensRevoked = Number(revoked.numUpdatedRows);
      let del = tx.db
        .deleteFrom('sessions')
        .where('workspace_id', '=', tx.workspace.id)
        .where('user_id', '=', id);
      // Changing your own password keeps the session you changed it from.
      if (tx.actor.kind === 'user' && tx.actor.sessionId && tx.actor.userId === id) {
        del = del.where('id', '!=', tx.actor.sessionId);
      }
      await del.execute();
    }
    const user = userRowToUser(after);
    const changes = {
      ...auditable(user),
      passwordChanged: passwordHash !== undefined || undefined,
      tokensRevoked: tokensRevoked || undefined,
    };
    await writeAudit(tx, {
      action: 'user.updated',
      entityType: 'user',
      entityId: id,
      before: auditable(userRowToUser(before)),
      after: changes,
    });
    return user;
  });
}

export async function updateUser({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateUser;
}): Promise<User> {
  await authorize(ctx, 'users:manage');
  return applyUserUpdate(ctx, id, UpdateUser.parse(input));
}

export async function updateMe({ ctx, input }: { ctx: Ctx; input: UpdateMe }): Promise<User> {
  const id = actorId(ctx);
  if (!id) throw new AppError('bad_request', msg('error.profileNeedsUser'));
  await authorize(ctx, 'profile:write');
  const { currentPassword, ...data } = UpdateMe.parse(input);
  if (data.password !== undefined) {
    // Someone holding a stolen session or token must not be able to take the account over.
    if (!currentPassword) {
      throw invalidField('currentPassword', msg('password.currentRequired'), 'input');
    }
    const row = await findUserRow(ctx, id);
    if (!row) throw notFound('User', id);
    // Guessing the current password through a stolen session is throttled like signing in.
    await countLoginAttempt(ctx, row.email, null);
    if (!(await verifyPassword(currentPassword, row.password_hash))) {
      const message = msg('password.currentWrong');
      throw new AppError(
        'forbidden',
        msg('error.fieldProblem', { path: 'currentPassword', problem: message }),
        {
          issues: [{ path: 'currentPassword', message }],
        },
      );
    }
  }
  const user = await applyUserUpdate(ctx, id, data);
  if (data.password !== undefined) await clearLoginFailures(ctx, user.email, null);
  return user;
}

export const ResetPassword = z
  .object({
    /** The new password; omitted, the server makes a random temporary one and answers it once. */
    password: Password.optional(),
  })
  .strict();
export type ResetPassword = z.input<typeof ResetPassword>;

export const PasswordReset = z.object({
  user: User,
  /** The generated password, shown once for the admin to pass on; null when the admin chose one. */
  temporaryPassword: z.string().nullable(),
});
export type PasswordReset = z.infer<typeof PasswordReset>;

/**
 * An admin sets a user's password (one they chose, or a random temporary one answered once). As
 * with any password change, the user's sessions end and their API tokens are revoked (in
 * applyUserUpdate), so whoever held the old password is out everywhere. Admins change their own
 * password in their profile, which asks for the current one.
 */
export async function resetUserPassword({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: ResetPassword;
}): Promise<PasswordReset> {
  await authorize(ctx, 'users:manage');
  const data = ResetPassword.parse(input);
  if (actorId(ctx) === id) throw new AppError('bad_request', msg('actions.resetSelf'));
  const temporaryPassword = data.password === undefined ? generatePassword() : null;
  return inTransaction(ctx, async (tx) => {
    const user = await applyUserUpdate(tx, id, { password: data.password ?? temporaryPassword! });
    await writeAudit(tx, {
      action: 'user.password_reset',
      entityType: 'user',
      entityId: id,
      after: { generated: temporaryPassword !== null },
    });
    return { user, temporaryPassword };
  });
}
