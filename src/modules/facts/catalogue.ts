// The fact catalogue: the union of the providers' definitions. Adding a fact touches only its
// module's provider; a new provider is one line in FACT_PROVIDERS.
import type { Ctx } from '../../context.ts';
import { accountFacts } from '../accounts/index.ts';
import { churnFacts } from '../churn/churn-facts.ts';
import { expansionFacts } from '../expansion/expansion-facts.ts';
import { metricFacts } from '../metrics/index.ts';
import { rfmFacts } from '../metrics/rfm-facts.ts';
import { planFacts } from '../plans/plan-facts.ts';
import { requestFacts } from '../requests/request-facts.ts';
import { supportFacts } from '../support/ticket-facts.ts';
import { surveyFacts } from '../surveys/survey-facts.ts';
import { timelineFacts } from '../timeline/index.ts';
import type { FactDef } from './condition.ts';
import { FAMILY_FACT_DEFS, familyMetricDefs } from './family-facts.ts';
import type { FactProvider } from './provider.ts';
import { stateFacts } from './state-facts.ts';

export { METRIC_FACTS } from '../metrics/index.ts';

/** Lists the accounts of a build and loads their own facts, before every other provider. */
export const ROSTER_PROVIDER = accountFacts;
/**
 * The other providers, loaded after the roster in this order (breadth reads licensed_seats; the
 * churn model reads every fact before it, the survey facts (nps) included).
 */
export const FACT_PROVIDERS: readonly FactProvider[] = [
  metricFacts,
  timelineFacts,
  supportFacts,
  surveyFacts,
  churnFacts,
  // After churn (which reads every fact before it, so its model's inputs stay as trained): RFM,
  // shipped requests, expansion (its signals read those), then plans (metric KPIs may read frequency_30d) and milestones.
  rfmFacts,
  requestFacts,
  expansionFacts,
  planFacts,
];

/** Facts every account has, whatever the workspace defines. */
export const BASE_FACTS: readonly FactDef[] = [
  ...[ROSTER_PROVIDER, ...FACT_PROVIDERS].flatMap((p) => p.definitions),
  ...stateFacts.definitions,
  ...FAMILY_FACT_DEFS,
];

/** Every fact an account has in this workspace, with type and description. */
export async function loadCatalogue(ctx: Ctx): Promise<FactDef[]> {
  const opened = await Promise.all([ROSTER_PROVIDER, ...FACT_PROVIDERS].map((p) => p.open(ctx)));
  const own = opened.flatMap((l) => l.definitions);
  return [...BASE_FACTS, ...own, ...familyMetricDefs(own)];
}
