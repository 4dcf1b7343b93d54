export type { CreateWorkspace } from './workspaces.ts';
export {
  createWorkspace,
  getWorkspace,
  listWorkspaceRefs,
  toRef,
  Workspace,
  workspaceRowToWorkspace,
} from './workspaces.ts';
