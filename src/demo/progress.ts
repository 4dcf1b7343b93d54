// How far a demo build has come, as one percentage over its phases. Each phase's share is its
// measured share of a 2,000-account, 180-day build (npm run bench:start), so the bar moves at a
// roughly even pace instead of racing through accounts and stalling on the history.
export const DEMO_PHASES = [
  'staff',
  'accounts',
  'usage',
  'history',
  'team',
  'tasks',
  'automation',
  'requests',
  'value',
  'surveys',
  'risk',
] as const;
export type DemoPhase = (typeof DEMO_PHASES)[number];

// Seconds per phase in one run (bench:start, 2,000 accounts, 2 shared cores): staff 32, accounts 96,
// usage 293, history 256, team+tasks 11, automation 327, requests 22.
const WEIGHTS: Record<DemoPhase, number> = {
  staff: 3,
  accounts: 9,
  usage: 28,
  history: 25,
  team: 1,
  tasks: 1,
  automation: 31,
  requests: 2,
  value: 2,
  // Not measured by bench:start yet: a few hundred answers through the verb, about as many as requests.
  surveys: 2,
  // Training the churn model: 2.4 s at 2,000 accounts (POST /churn/train on a fresh demo).
  risk: 2,
};
const TOTAL = DEMO_PHASES.reduce((s, p) => s + WEIGHTS[p], 0);

export type DemoProgress = { phase: DemoPhase; percent: number };

/**
 * Turns "phase P is done/total" into overall percentages for `onProgress`, never going back, and
 * keeps how long each phase took (a phase named twice adds up).
 */
export function demoProgress(onProgress?: (p: DemoProgress) => void) {
  let last = -1;
  const seconds: Partial<Record<DemoPhase, number>> = {};
  let current: { phase: DemoPhase; since: number } | null = null;
  const close = () => {
    if (current)
      seconds[current.phase] = (seconds[current.phase] ?? 0) + (performance.now() - current.since) / 1000;
    current = null;
  };
  const report = (phase: DemoPhase, fraction: number) => {
    const before = DEMO_PHASES.slice(0, DEMO_PHASES.indexOf(phase)).reduce((s, p) => s + WEIGHTS[p], 0);
    const share = Math.min(1, Math.max(0, fraction));
    const percent = Math.floor(((before + WEIGHTS[phase] * share) / TOTAL) * 100);
    if (percent <= last) return;
    last = percent;
    onProgress?.({ phase, percent });
  };
  return {
    /** `done` of `total` steps of `phase` are done. */
    step: (phase: DemoPhase, done: number, total: number) => report(phase, total > 0 ? done / total : 1),
    start: (phase: DemoPhase) => {
      close();
      current = { phase, since: performance.now() };
      report(phase, 0);
    },
    /** 100%, and the seconds each phase took, in order. */
    finish: (): Partial<Record<DemoPhase, number>> => {
      close();
      report(DEMO_PHASES[DEMO_PHASES.length - 1]!, 1);
      return seconds;
    },
  };
}
