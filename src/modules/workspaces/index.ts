export type { CreateWorkspace } from './workspaces.ts';
export { createWorkspace, getWorkspace, toRef, Workspace, workspaceRowToWorkspace } from './workspaces.ts';
