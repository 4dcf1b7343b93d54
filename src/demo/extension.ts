// The demo's shared types, apart from demo.ts so that its parts (usage, requests, tasks, team,
// automation) can name them without importing the generator that imports them.
import type { Ctx } from '../context.ts';
import type { Random } from './random.ts';

export type DemoOptions = { accounts: number; days: number; seed: number };
/**
 * Where an account's usage is heading over the demo window, drawn with the account before its
 * contracts: its renewals inside the window churn more or less often because of it (demo.ts
 * `churnRisk`), so the churn model has something real to learn.
 */
export type Archetype = 'growing' | 'steady' | 'declining' | 'fading';
export type DemoAccount = {
  id: string;
  externalId: string;
  goLiveDate: string;
  arr: number;
  seats: number;
  archetype: Archetype;
  /** Its support goes badly: more tickets, slower answers, low ratings (tickets.ts). */
  troubled: boolean;
  /** A fading account's first day of fading (before its renewal in the window), else null. */
  fadeFrom: string | null;
  churned: boolean;
  /** The day the churned contract ended (usage winds down before it), else null. */
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
