// What-if for lifecycle stages: the stage an ordered list of stage conditions (a draft of the
// workspace's stages) would give every account today, on the evaluation batch the recompute loads,
// so the preview says what the recompute then writes.
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { invalidField } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { today } from '../../time.ts';
import { authorize } from '../auth/index.ts';
import { loadEvaluationBatch } from '../facts/evaluation-batch.ts';
import { ConditionInput, compareText, Key } from '../segments/index.ts';
import { loadOverrides } from '../state/index.ts';
import { checkStageCondition } from './lifecycle.ts';
import { assignStage, type StageRule } from './stages.ts';

export const PreviewLifecycleStages = z.object({
  /** Every stage in the order they are tried (1 first), as they would be saved. */
  stages: z
    .array(z.object({ key: Key, condition: ConditionInput }))
    .min(1)
    .max(100),
  /** How many of the accounts that would move to list. */
  limit: z.number().int().min(0).max(500).default(50),
});
export type PreviewLifecycleStages = z.input<typeof PreviewLifecycleStages>;

const StageMove = z.object({
  accountId: z.string(),
  name: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});
export const StagesPreview = z.object({
  day: z.string(),
  /** Accounts evaluated: every account of the workspace. */
  accounts: z.number(),
  /** Accounts per stage in the order given, then `stage: null` for accounts no stage matches. */
  counts: z.array(z.object({ stage: z.string().nullable(), count: z.number() })),
  /** Accounts whose stage a valid manual override holds (counted under the override). */
  overridden: z.number(),
  /** Accounts whose stage would change from the current one (account_states.stage). */
  moves: z.object({ total: z.number(), items: z.array(StageMove) }),
});
export type StagesPreview = z.infer<typeof StagesPreview>;

/**
 * Every account's stage under these stages, writing nothing. Conditions read today's facts with
 * each account's tier and health from the last recompute, percentiles among all accounts and
 * history for `changed by`, as the recompute's stage step does; manual overrides still win.
 */
export async function previewLifecycleStages({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: PreviewLifecycleStages;
}): Promise<StagesPreview> {
  await authorize(ctx, 'settings:write');
  const data = PreviewLifecycleStages.parse(input);
  const seen = new Set<string>();
  const stages: StageRule[] = [];
  for (const [i, s] of data.stages.entries()) {
    if (seen.has(s.key)) throw invalidField(`stages.${i}.key`, msg('stages.error.keyTwice', { key: s.key }));
    seen.add(s.key);
    stages.push({
      key: s.key,
      condition: await checkStageCondition(ctx, s.condition, `stages.${i}.condition`),
    });
  }
  const { day, facts, env } = await loadEvaluationBatch(
    ctx,
    today(ctx),
    stages.map((s) => s.condition),
  );
  const overrides = (await loadOverrides(ctx, day)).stage;
  const counts = new Map<string | null, number>([...stages.map((s) => [s.key, 0] as const), [null, 0]]);
  const moves: StagesPreview['moves']['items'] = [];
  let moved = 0;
  let overridden = 0;
  for (const [accountId, f] of facts) {
    const manual = overrides.get(accountId);
    if (manual) overridden++;
    const stage = manual?.value ?? assignStage(stages, f, env(accountId));
    counts.set(stage, (counts.get(stage) ?? 0) + 1);
    const from = typeof f.stage === 'string' ? f.stage : null;
    if (from === stage) continue;
    moved++;
    moves.push({ accountId, name: String(f.name ?? ''), from, to: stage });
  }
  moves.sort((a, b) => compareText(a.name, b.name) || compareText(a.accountId, b.accountId));
  return {
    day,
    accounts: facts.size,
    counts: [...counts].map(([stage, count]) => ({ stage, count })),
    overridden,
    moves: { total: moved, items: moves.slice(0, data.limit) },
  };
}
