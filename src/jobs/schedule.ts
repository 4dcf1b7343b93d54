// The one schedule table: every recurring job, its cron line (in the workspace time zone from
// STEWARD_TIMEZONE) and why it runs then. Handlers live with their module or below.
import { refreshAllAccountFigures } from '../modules/accounts/index.ts';
import { pruneAuth } from '../modules/auth/index.ts';
import type { JobDefinition } from './runner.ts';

export const SCHEDULE: readonly JobDefinition[] = [
  {
    name: 'refresh-contract-figures',
    // Just after midnight, when contracts start or end, so "current ARR" and renewal dates
    // follow the calendar; contract edits refresh their account at once anyway.
    cron: '5 0 * * *',
    description: "Recompute every account's current ARR, MRR and renewal date from its contracts",
    handler: (deps) => refreshAllAccountFigures(deps),
  },
  {
    name: 'prune-auth',
    // Hourly, off the hour to stay clear of other work.
    cron: '17 * * * *',
    description: 'Delete expired sessions and login attempts older than the limiter window',
    handler: (deps) => pruneAuth(deps),
  },
];
