import { type Ctx, type Deps, systemCtx } from '../context.ts';
import { toRef, type Workspace, workspaceRowToWorkspace } from '../modules/workspaces/index.ts';

/** The workspace a CLI command acts on: by id or slug, or the first one created. */
export async function resolveWorkspace(deps: Deps, idOrSlug?: string): Promise<Workspace> {
  let q = deps.db.selectFrom('workspaces').selectAll();
  if (idOrSlug) q = q.where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]));
  const row = await q.orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  if (!row) {
    throw new CliError(
      idOrSlug
        ? `No workspace "${idOrSlug}"`
        : 'The database has no workspace yet: run `steward workspace create` (or `npm start` once, or `steward demo`)',
    );
  }
  return workspaceRowToWorkspace(row);
}

export function operatorCtx(deps: Deps, workspace: Workspace, command: string): Ctx {
  // The CLI runs with the database's own credentials, so it acts as the operator (system actor);
  // the audit log records which command made each change.
  return systemCtx(deps, toRef(workspace), `cli:${command}`);
}

export class CliError extends Error {}
