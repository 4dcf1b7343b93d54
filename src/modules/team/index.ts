export type { AssignAccount, AssignCsm, AssignmentPlan, AssignOptions, Move } from './assign.ts';
export { planAssignment } from './assign.ts';
export { applyAssignment, offboardCsm, previewAssignment } from './assignment.ts';
export type { CapacityModel, Plan, TierCapacity } from './capacity.ts';
export {
  accountCost,
  DEFAULT_CAPACITIES,
  meanArrByTier,
  planHeadcount,
  SEED_002_CAPACITIES,
} from './capacity.ts';
export { createGroup, deleteGroup, getGroup, listGroups, updateGroup, workGroupRouter } from './groups.ts';
export { reassignInactiveOwnersJob } from './jobs.ts';
export { getLoadView } from './load.ts';
export { getCapacity, whatIfCapacity } from './planner.ts';
export { resolveReadAccess } from './read-access.ts';
export {
  capacityModel,
  DEFAULT_SETTINGS,
  getTeamSettings,
  loadTeamSettings,
  updateTeamSettings,
} from './settings.ts';
export { teamRoutes } from './team.routes.ts';
export { READ_SCOPES, type ReadScope, TeamSettings } from './team.schemas.ts';
export { assignInput, bookQuery, loadBook, loadTeam } from './workload.ts';
