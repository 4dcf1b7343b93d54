import { z } from 'zod';
import type { Deps, WorkspaceRef } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { newId } from '../../ids.ts';
// Not through accounts/index.ts: accounts' jobs list workspaces through this module, and
// starter-rates.ts imports no module.
import { insertStarterRates } from '../accounts/starter-rates.ts';
// starters.ts imports no module either: plan templates and journey milestones for a new tenant.
import { insertStarterPlans } from '../plans/starters.ts';
import type { WorkspacesTable } from './workspaces.table.ts';

export const Workspace = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  baseCurrency: z.string(),
  timeZone: z.string(),
  isDemo: z.boolean(),
  createdAt: z.string(),
});
export type Workspace = z.infer<typeof Workspace>;

export const workspaceRowToWorkspace = (r: WorkspacesTable): Workspace => ({
  id: r.id,
  name: r.name,
  slug: r.slug,
  baseCurrency: r.base_currency,
  timeZone: r.time_zone,
  isDemo: r.is_demo === 1,
  createdAt: r.created_at,
});

export const toRef = (w: Workspace): WorkspaceRef => ({
  id: w.id,
  baseCurrency: w.baseCurrency,
  timeZone: w.timeZone,
});

export type CreateWorkspace = {
  name: string;
  slug?: string;
  baseCurrency: string;
  timeZone: string;
  isDemo?: boolean;
};

/** Creates a tenant with starter exchange rates. Called by first start, the CLI and tests. */
export async function createWorkspace(deps: Deps, input: CreateWorkspace): Promise<Workspace> {
  const now = deps.now().toISOString();
  const id = newId();
  const row: WorkspacesTable = {
    id,
    name: input.name,
    slug: input.slug ?? `${slugify(input.name)}-${id.slice(-6)}`,
    base_currency: input.baseCurrency,
    time_zone: input.timeZone,
    is_demo: input.isDemo ? 1 : 0,
    created_at: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('workspaces').values(row).execute();
    await insertStarterRates(trx, { id, baseCurrency: input.baseCurrency }, now);
    await insertStarterPlans(trx, id, now);
  });
  return workspaceRowToWorkspace(row);
}

export async function getWorkspace(deps: Pick<Deps, 'db'>, id: string): Promise<Workspace> {
  const row = await deps.db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Workspace', id);
  return workspaceRowToWorkspace(row);
}

/** Every workspace (jobs run per workspace), oldest first so a job's order is stable. */
export async function listWorkspaceRefs(deps: Pick<Deps, 'db'>): Promise<WorkspaceRef[]> {
  const rows = await deps.db
    .selectFrom('workspaces')
    .select(['id', 'base_currency', 'time_zone'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((w) => ({ id: w.id, baseCurrency: w.base_currency, timeZone: w.time_zone }));
}

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'workspace'
  );
}
