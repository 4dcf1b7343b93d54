export { accountFacts, monthsBetween } from './account-facts.ts';
export { accountsRoutes } from './accounts.routes.ts';
export type { AccountStateFilter } from './accounts.schemas.ts';
export {
  Account,
  AccountListItem,
  AccountStateColumns,
  BulkUpdateAccounts,
  CreateAccount,
  ListAccounts,
  parseCustomFieldFilters,
  TEAM_ROLES,
  UpdateAccount,
} from './accounts.schemas.ts';
export {
  bulkUpdateAccounts,
  createAccount,
  findAccountByExternalId,
  getAccount,
  loadTeams,
  updateAccount,
} from './accounts.ts';
export { createContact, listContacts, updateContact } from './contacts.ts';
export type { RateRow } from './contract-math.ts';
export { CONTRACT_STATUSES, fromMinor, pickRate, toMinor } from './contract-math.ts';
export {
  createContract,
  getContract,
  listContracts,
  loadContractSpans,
  loadRates,
  refreshAllAccountFigures,
  successorContracts,
  updateContract,
} from './contracts.ts';
export { createCustomField, loadDefinitions } from './custom-fields.ts';
export { importRoutes } from './import.routes.ts';
export type { ImportEntity, ImportReport } from './import.ts';
export {
  IMPORT_ENTITIES,
  IMPORT_FIELDS,
  ImportOptions,
  importCsv,
  importFields,
  importFile,
  importProgress,
  previewImport,
  WRITE_BATCH,
} from './import.ts';
export type { FieldSpec, PreparedRow } from './import-rows.ts';
export { listImportRuns, saveImportMapping, saveOwnerAlias } from './import-store.ts';
export {
  type ImportPlanHelpers,
  type ImportTarget,
  type PlannedRow,
  registerImportTarget,
} from './import-targets.ts';
export { type AccountStateSource, listAccounts } from './list-accounts.ts';
export { ReassignOwners, reassignAccountOwners } from './owners.ts';
export { accountReadFilter, authorizeReadList, onAccountTeam } from './read-scope.ts';
export {
  type AccountRef,
  accountExists,
  accountIdsByExternalId,
  accountMemberIds,
  accountOwnersAmong,
  accountParentLinks,
  accountRefs,
  accountsView,
  type ContactRef,
  contactRefsByUserKey,
  contactRefsOf,
  contractAccountExternalIds,
  contractsView,
  countAccounts,
  findAccountRef,
  findContactByExternalUserId,
  findContactRef,
  getAccountRef,
  isOnAccountTeam,
  ownedAccountsRenewing,
  readableAccount,
  readableAccountIds,
  readableAccounts,
  readableAccountsView,
  workspaceAccountIds,
} from './refs.ts';
export { type AccountHit, type ContactHit, likePattern, searchAccounts, searchContacts } from './search.ts';
export { accountSearchText, contactSearchText, pinyinKeys } from './search-keys.ts';
