// What recomputing one day reports; apart from recompute.ts so that worker.ts, which recompute.ts
// calls, can name it without an import cycle.
import type { AppliedStateChanges } from '../state/index.ts';

export type RecomputeResult = {
  day: string;
  accounts: number;
  scored: number;
  changes: AppliedStateChanges['changes'];
};
