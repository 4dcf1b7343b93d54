// The fact catalogue: the union of the providers' definitions. Adding a fact touches only its
// module's provider; a new provider is one line in FACT_PROVIDERS.
import type { Ctx } from '../../context.ts';
import { accountFacts } from '../accounts/index.ts';
import { churnFacts } from '../churn/churn-facts.ts';
import { metricFacts } from '../metrics/index.ts';
import { timelineFacts } from '../timeline/index.ts';
import type { FactDef } from './condition.ts';
import type { FactProvider } from './provider.ts';
import { stateFacts } from './state-facts.ts';

export { METRIC_FACTS } from '../metrics/index.ts';

/** Lists the accounts of a build and loads their own facts, before every other provider. */
export const ROSTER_PROVIDER = accountFacts;
/**
 * The other providers, loaded after the roster in this order (breadth reads licensed_seats; the
 * churn model reads every fact before it).
 */
export const FACT_PROVIDERS: readonly FactProvider[] = [metricFacts, timelineFacts, churnFacts];

/** Facts every account has, whatever the workspace defines. */
export const BASE_FACTS: readonly FactDef[] = [
  ...[ROSTER_PROVIDER, ...FACT_PROVIDERS].flatMap((p) => p.definitions),
  ...stateFacts.definitions,
];

/** Every fact an account has in this workspace, with type and description. */
export async function loadCatalogue(ctx: Ctx): Promise<FactDef[]> {
  const opened = await Promise.all([ROSTER_PROVIDER, ...FACT_PROVIDERS].map((p) => p.open(ctx)));
  return [...BASE_FACTS, ...opened.flatMap((l) => l.definitions)];
}
