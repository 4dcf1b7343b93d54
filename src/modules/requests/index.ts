export {
  getRequestGroup,
  mergeRequests,
  rankedRequests,
  splitRequestGroup,
  updateRequestGroup,
} from './groups.ts';
export type { RequestImportOptions, RequestImportReport } from './import.ts';
export { importRequestsCsv, REQUEST_IMPORT_FIELDS } from './import.ts';
export { DEFAULT_REQUEST_SETTINGS, RequestSettings, scoreRequest } from './priority-rule.ts';
export { requestsRoutes } from './requests.routes.ts';
export {
  CLOSED_STATUSES,
  CreateRequest,
  CustomerRequest,
  ListRequests,
  OPEN_STATUSES,
  REQUEST_STATUSES,
  REQUEST_TYPES,
  UpdateRequest,
} from './requests.schemas.ts';
export {
  createRequest,
  deleteRequest,
  getRequest,
  listRequests,
  similarRequests,
  updateRequest,
} from './requests.ts';
export { type RequestHit, searchRequests } from './search.ts';
export { getRequestSettings, loadRequestSettings, updateRequestSettings } from './settings.ts';
export { normalizeText, similarity, textGrams } from './similarity.ts';
