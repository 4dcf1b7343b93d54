/** What the guided import takes (a leaf file: the import's parts share it without a cycle). */
export const IMPORT_ENTITIES = ['accounts', 'contacts', 'contracts', 'tickets'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];
/** The imports the accounts module plans and writes itself; the others are registered targets (import-targets.ts). */
export const OWN_IMPORT_ENTITIES = ['accounts', 'contacts', 'contracts'] as const;
export type OwnImportEntity = (typeof OWN_IMPORT_ENTITIES)[number];
