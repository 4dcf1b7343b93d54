// The lifecycle stage chart in the order an account lives through the stages, not the order their
// rules are tried: rules put churned and renewal first (first match wins: a churned account is
// churned whatever its dates), which read as a journey shows 已流失 before 熟悉期.
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { loadStages } from '../lifecycle/index.ts';
import { summarizeAccountStates } from '../state/index.ts';

/**
 * Seed 004's journey: 熟悉期 -> 使用期 -> 进阶期 -> 续约期 -> 增值期, churn the way out. Lifecycle
 * stores only the rule order; a stage a workspace adds keeps its rule order among the others,
 * before churned (a journey field on the stage would let the workspace say; lifecycle owns that).
 */
export const JOURNEY = ['onboarding', 'adoption', 'advanced', 'renewal', 'expansion', 'churned'] as const;

/** Stage keys in journey order: the known ones by JOURNEY, others by rule position, churned last. */
export function journeyOrder<S extends { key: string; position: number }>(stages: readonly S[]): S[] {
  const rank = (s: S) => {
    const known = (JOURNEY as readonly string[]).indexOf(s.key);
    if (s.key === 'churned') return 1_000_000;
    // Added stages sit after the known ones, by rule position (1..1000).
    return known >= 0 ? known : JOURNEY.length + s.position;
  };
  return [...stages].sort((a, b) => rank(a) - rank(b) || a.position - b.position);
}

export const StageJourneyQuery = z.object({ ownerId: z.string().min(1).max(100).optional() });
export type StageJourneyQuery = z.output<typeof StageJourneyQuery>;
export const StageJourney = z.object({
  items: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      /** Where the stage's rule is tried (1 first). */
      position: z.number(),
      count: z.number(),
    }),
  ),
  /** Accounts in scope without a stage (no go-live date and outside the renewal window). */
  none: z.number(),
});
export type StageJourney = z.infer<typeof StageJourney>;

/** Accounts per lifecycle stage in journey order, for everyone or one owner's book. */
export async function stageJourney({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: StageJourneyQuery;
}): Promise<StageJourney> {
  const q = StageJourneyQuery.parse(input);
  const summary = await summarizeAccountStates({ ctx, input: { ownerId: q.ownerId }, bands: async () => [] });
  const counts = new Map(summary.stages.map((s) => [s.stage, s.count]));
  const stages = journeyOrder(await loadStages(ctx));
  return {
    items: stages.map((s) => ({
      key: s.key,
      name: s.name,
      position: s.position,
      count: counts.get(s.key) ?? 0,
    })),
    none: counts.get(null) ?? 0,
  };
}
