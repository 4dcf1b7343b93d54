// Import targets other modules own (support tickets): the guided import reads, maps, converts and
// reports their rows like its own, and hands the typed rows to the owner's plan and write. The
// owner registers its target when it loads (support/ticket-import.ts), as the recompute registers
// what marking an account dirty means (src/account-changes.ts): the accounts module cannot import
// a module that reads accounts.
import type { z } from 'zod';
import type { Ctx } from '../../context.ts';
import type { Message } from '../../i18n/index.ts';
import type { ImportEntity, OwnImportEntity } from './import-entities.ts';
import type { FieldSpec, PreparedRow } from './import-rows.ts';

/** One row the write will apply (or leave alone when `unchanged`). */
export type PlannedRow = {
  line: number;
  existingId?: string;
  input: Record<string, unknown>;
  parentExternalId?: string;
  /** Equal to the stored record: not written. */
  unchanged?: boolean;
};

export type ImportPlanHelpers = {
  /** Reports a row error on a field: its column, value and line come from the row. */
  fail: (row: PreparedRow, field: string | undefined, message: Message | string) => void;
  failZod: (row: PreparedRow, error: z.ZodError, rename?: Record<string, string>) => void;
  /** True when the key was seen before in the file (an identical row merges, another is reported). */
  repeat: (key: string, row: PreparedRow) => boolean;
};

export type ImportTarget = {
  /** The fields a mapping may point at, as the preview lists them. */
  fields: Record<string, FieldSpec>;
  /** Checks the rows against the database; every row is planned or failed. */
  plan: (ctx: Ctx, rows: PreparedRow[], helpers: ImportPlanHelpers) => Promise<PlannedRow[]>;
  /** Writes one planned row (inside the batch's transaction, ctx.db is it). */
  write: (ctx: Ctx, row: PlannedRow) => Promise<void>;
};

type ForeignEntity = Exclude<ImportEntity, OwnImportEntity>;
const targets = new Map<ForeignEntity, ImportTarget>();

/** Called once by the owning module when it loads; a second registration replaces the first. */
export function registerImportTarget(entity: ForeignEntity, target: ImportTarget): void {
  targets.set(entity, target);
}

export const importTarget = (entity: ForeignEntity): ImportTarget | undefined => targets.get(entity);
