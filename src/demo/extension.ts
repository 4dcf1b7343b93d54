// The demo's shared types, apart from demo.ts so that its parts (usage, requests, tasks, team,
// automation) can name them without importing the generator that imports them.
import type { Ctx } from '../context.ts';
import type { Random } from './random.ts';

export type DemoOptions = { accounts: number; days: number; seed: number };
export type DemoAccount = {
  id: string;
  externalId: string;
  goLiveDate: string;
  arr: number;
  seats: number;
  churned: boolean;
  /** The day the churned contract ended (usage fades out before it), else null. */
  churnedOn: string | null;
};

/**
 * One part of the demo that runs after accounts exist (demo.ts `demoExtensions`), with the same
 * seeded random source; it must be deterministic for a given seed.
 */
export type DemoExtension = (a: {
  ctx: Ctx;
  accounts: DemoAccount[];
  days: number;
  random: Random;
}) => Promise<void>;
