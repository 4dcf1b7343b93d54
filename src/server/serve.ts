import { serve } from '@hono/node-server';
import type { Deps } from '../context.ts';
import { createApp } from './app.ts';
import { ALL_ROLES, type NodeRoles } from './roles.ts';

/** Listens on the configured port; resolves once the server is accepting connections. */
export function listen(
  deps: Deps,
  port = deps.config.port,
  host = deps.config.host,
  roles: NodeRoles = ALL_ROLES,
) {
  const app = createApp(deps, { roles });
  return new Promise<{ port: number; close: () => Promise<void> }>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info) =>
      resolve({
        port: info.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
    server.once('error', reject);
  });
}
