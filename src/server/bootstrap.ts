import type { Deps } from '../context.ts';
import { systemCtx } from '../context.ts';
import { createUser, generatePassword } from '../modules/auth/index.ts';
import { createWorkspace, toRef, type Workspace } from '../modules/workspaces/index.ts';

export type FirstStart = {
  workspace: Workspace;
  adminEmail: string;
  adminPassword: string;
  generatedPassword: boolean;
};

/**
 * On an empty database: one workspace and its first admin (password from STEWARD_ADMIN_PASSWORD, or
 * generated and returned so the caller prints it once). Returns undefined when a workspace exists.
 */
export async function firstStart(deps: Deps): Promise<FirstStart | undefined> {
  const existing = await deps.db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  if (existing) return undefined;
  const workspace = await createWorkspace(deps, {
    name: deps.config.demo ? 'Demo' : 'Steward',
    baseCurrency: deps.config.baseCurrency,
    timeZone: deps.config.timeZone,
    isDemo: deps.config.demo,
  });
  const password = deps.config.adminPassword ?? generatePassword();
  await createUser({
    ctx: systemCtx(deps, toRef(workspace), 'first-start'),
    input: { email: deps.config.adminEmail, name: 'Admin', role: 'admin', locale: 'zh-CN', password },
  });
  return {
    workspace,
    adminEmail: deps.config.adminEmail,
    adminPassword: password,
    generatedPassword: deps.config.adminPassword === undefined,
  };
}
