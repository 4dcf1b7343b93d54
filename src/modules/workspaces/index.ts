export { createWorkspace, getWorkspace, toRef, Workspace, workspaceRowToWorkspace } from './workspaces.ts';
export type { CreateWorkspace } from './workspaces.ts';
