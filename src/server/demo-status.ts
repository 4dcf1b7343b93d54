// Whether this server is building the first start's demo workspace, and how far it has come, for
// the terminal's bar and the app's banner. Unauthenticated: the sign-in page shows it too, and it
// says nothing about any workspace's data. Kept in memory by the process that builds the demo.
import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, json } from './env.ts';

export const DemoStatus = z
  .object({
    /** none: no demo is being built by this server; preparing; ready; failed. */
    state: z.enum(['none', 'preparing', 'ready', 'failed']),
    /** 0-100 over the build's phases (null when none). */
    percent: z.number().nullable(),
    phase: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    /** Why the build failed (the server log has the stack). */
    error: z.string().nullable(),
  })
  .openapi('DemoStatus');
export type DemoStatus = z.infer<typeof DemoStatus>;

const NONE: DemoStatus = {
  state: 'none',
  percent: null,
  phase: null,
  startedAt: null,
  finishedAt: null,
  error: null,
};
let current: DemoStatus = NONE;

export const demoStatus = {
  get: (): DemoStatus => current,
  start: (now = new Date()) => {
    current = { ...NONE, state: 'preparing', percent: 0, phase: 'staff', startedAt: now.toISOString() };
  },
  progress: (percent: number, phase: string) => {
    if (current.state === 'preparing') current = { ...current, percent, phase };
  },
  finish: (now = new Date()) => {
    current = { ...current, state: 'ready', percent: 100, phase: null, finishedAt: now.toISOString() };
  },
  fail: (error: string, now = new Date()) => {
    current = { ...current, state: 'failed', error, finishedAt: now.toISOString() };
  },
  reset: () => {
    current = NONE;
  },
};

/** GET /demo/status, mounted before authentication. */
export function demoStatusRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/demo/status',
      tags: ['Auth'],
      summary:
        'Whether the demo workspace is still being prepared on first start, and how far (no sign-in needed)',
      responses: { 200: json(DemoStatus, 'The status') },
    }),
    (c) => c.json(demoStatus.get(), 200),
  );
  return app;
}
