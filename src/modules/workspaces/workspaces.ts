import { z } from 'zod';
import type { Deps, WorkspaceRef } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { newId } from '../../ids.ts';
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

// Indicative mid rates to CNY, so a new workspace converts common currencies out of the box.
// Managers replace them through /api/v1/currency-rates; each rate applies from its effective date.
const STARTER_RATES_TO_CNY: Record<string, number> = {
  USD: 7.1,
  EUR: 7.75,
  GBP: 9.05,
  HKD: 0.91,
  JPY: 0.048,
  SGD: 5.3,
};

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
    const cny = STARTER_RATES_TO_CNY[input.baseCurrency] ?? (input.baseCurrency === 'CNY' ? 1 : undefined);
    // Starter rates are only meaningful relative to CNY; other bases start empty.
    if (cny === undefined) return;
    const rates = Object.entries({ CNY: 1, ...STARTER_RATES_TO_CNY })
      .filter(([currency]) => currency !== input.baseCurrency)
      .map(([currency, toCny]) => ({
        id: newId(),
        workspace_id: id,
        currency,
        rate: Number((toCny / cny).toPrecision(6)),
        effective_date: '2000-01-01',
        created_at: now,
        updated_at: now,
      }));
    await trx.insertInto('currency_rates').values(rates).execute();
  });
  return workspaceRowToWorkspace(row);
}

export async function getWorkspace(deps: Pick<Deps, 'db'>, id: string): Promise<Workspace> {
  const row = await deps.db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Workspace', id);
  return workspaceRowToWorkspace(row);
}

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'workspace'
  );
}
