import type { Ctx } from '../context.ts';
import { installDefaultStages } from '../modules/lifecycle/index.ts';
import { recompute } from '../modules/recompute/index.ts';
import { createSegment, installDefaultScheme } from '../modules/segments/index.ts';
import { addDays, daysBetween, today } from '../time.ts';

/** Saved segments a CS team starts with (seed 000: "重续缓用", big accounts first). */
const SEGMENTS = [
  {
    key: 'renewal_at_risk',
    name: '续约风险',
    label: { en: 'Renewal at risk', 'zh-CN': '续约风险' },
    description: 'In the 90-day renewal window with danger health',
    condition: 'stage = "renewal" and health.status = "danger"',
  },
  {
    key: 'big_low_adoption',
    name: '大客户低使用',
    label: { en: 'Big accounts, low adoption', 'zh-CN': '大客户低使用' },
    description: 'ARR of 300k or more and fewer than 20% of seats active',
    condition: 'arr >= 300000 and breadth < 0.2',
  },
  {
    key: 'silent_30d',
    name: '30 天未触达',
    label: { en: 'No touch for 30 days', 'zh-CN': '30 天未触达' },
    description: 'No note, call, meeting or email for 30 days',
    condition: 'days_since_last_touch > 30 or days_since_last_touch is empty',
  },
];

/**
 * The demo ships the default tiering scheme, lifecycle stages and a few segments, and backfills
 * health, tier, stage and segment history weekly over the usage period (daily for the last two
 * weeks), so trends, "what changed" and the calibration backtest have history to read.
 */
export async function installDemoState(
  ctx: Ctx,
  days: number,
  onStep?: (done: number, total: number) => void,
) {
  await installDefaultScheme(ctx);
  await installDefaultStages(ctx);
  for (const s of SEGMENTS) await createSegment({ ctx, input: s as never });
  const end = today(ctx);
  if (days <= 0) return recompute({ ctx, input: {} });
  const from = addDays(end, -Math.min(days, 364));
  // Weekly days up to two weeks ago, then every day: the count the progress is measured against.
  const total = Math.floor(daysBetween(from, addDays(end, -14)) / 7) + 1 + 14;
  let done = 0;
  const onDay = () => onStep?.(++done, total);
  const weekly = await recompute({ ctx, input: { from, to: addDays(end, -14), step: 7 }, onDay });
  const daily = await recompute({ ctx, input: { from: addDays(end, -13), to: end }, onDay });
  return [...weekly, ...daily];
}
