import type { KyselyPlugin } from 'kysely';

/**
 * Requests that share a thread take turns between their queries. better-sqlite3 runs each query on
 * the caller's thread, and a request's queries with the promise callbacks between them never give
 * the event loop a turn: in a heavy-read process (heavy-worker-main.ts) the next request's message
 * waited until the whole report before it was done (the team overview over 20,000 accounts, 3 s,
 * held the workbench's 50 ms state list for 4.4 s). With this plugin, after each query a request
 * that has had the thread for `sliceMs` gives it up (setImmediate), so requests take turns and a
 * short one ends early.
 */
export function takingTurns(sliceMs = 10): KyselyPlugin {
  let sliceStart = performance.now();
  return {
    transformQuery: (args) => args.node,
    async transformResult(args) {
      if (performance.now() - sliceStart > sliceMs) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      return args.result;
    },
  };
}
