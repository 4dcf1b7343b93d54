/**
 * What one `steward serve` process does (`--role`): `api` answers the REST API, its docs and the
 * web app; `ingest` the tracking endpoints (/v1/batch, /capture...); `jobs` runs the scheduler.
 * `all` (the default) is every role. Any number of api and ingest processes and one or more jobs
 * processes may share one PostgreSQL database: the jobs' slots are claimed once (jobs/runner.ts).
 * Every role answers /healthz.
 */
export const NODE_ROLES = ['api', 'ingest', 'jobs'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];
export type NodeRoles = ReadonlySet<NodeRole>;

export const ALL_ROLES: NodeRoles = new Set(NODE_ROLES);

/** `all`, one role, or a comma-separated list (`ingest,jobs`); undefined when a name is unknown. */
export function parseRoles(value: string): NodeRoles | undefined {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) return undefined;
  const roles = new Set<NodeRole>();
  for (const name of names) {
    if (name === 'all') for (const r of NODE_ROLES) roles.add(r);
    else if ((NODE_ROLES as readonly string[]).includes(name)) roles.add(name as NodeRole);
    else return undefined;
  }
  return roles;
}
