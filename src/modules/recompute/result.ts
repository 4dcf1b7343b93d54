// What recomputing one day reports; apart from recompute.ts so that worker.ts, which recompute.ts
// calls, can name it without an import cycle.
export type RecomputeResult = {
  day: string;
  accounts: number;
  scored: number;
  changes: {
    health_status: number;
    tier: number;
    stage: number;
    segment_enter: number;
    segment_exit: number;
  };
};
