export { bulkRoutes } from './bulk.routes.ts';
export { BULK_LIMIT, BulkAccounts, BulkAction, BulkResult, bulkAccounts } from './bulk.ts';
