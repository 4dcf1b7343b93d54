// A new workspace's exchange rates, so it converts common currencies out of the box. accounts owns
// currency_rates; createWorkspace calls this in its transaction. This file imports no module, so
// workspaces (which accounts' jobs import) can import it directly without an import cycle.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { newId } from '../../ids.ts';

// Indicative mid rates to CNY. Managers replace them through /api/v1/currency-rates; each rate
// applies from its effective date.
const STARTER_RATES_TO_CNY: Record<string, number> = {
  USD: 7.1,
  EUR: 7.75,
  GBP: 9.05,
  HKD: 0.91,
  JPY: 0.048,
  SGD: 5.3,
};

export async function insertStarterRates(
  db: Kysely<Database>,
  workspace: { id: string; baseCurrency: string },
  now: string,
): Promise<void> {
  const base = workspace.baseCurrency;
  const cny = STARTER_RATES_TO_CNY[base] ?? (base === 'CNY' ? 1 : undefined);
  // Starter rates are only meaningful relative to CNY; other bases start empty.
  if (cny === undefined) return;
  const rates = Object.entries({ CNY: 1, ...STARTER_RATES_TO_CNY })
    .filter(([currency]) => currency !== base)
    .map(([currency, toCny]) => ({
      id: newId(),
      workspace_id: workspace.id,
      currency,
      rate: Number((toCny / cny).toPrecision(6)),
      effective_date: '2000-01-01',
      created_at: now,
      updated_at: now,
    }));
  await db.insertInto('currency_rates').values(rates).execute();
}
