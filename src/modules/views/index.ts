export { viewsRoutes } from './views.routes.ts';
export type { SavedViewsTable } from './views.table.ts';
export {
  CreateSavedView,
  createSavedView,
  deleteSavedView,
  getSavedView,
  listSavedViews,
  SavedView,
  UpdateSavedView,
  updateSavedView,
} from './views.ts';
