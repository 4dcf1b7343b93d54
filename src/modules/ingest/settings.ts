import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { nowIso } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';

/** Group traits copied onto the account: trait name -> account field (or cf.<custom field>). */
export const DEFAULT_GROUP_TRAIT_MAP: Record<string, string> = {
  name: 'name',
  industry: 'industry',
  region: 'region',
  seats: 'licensedSeats',
  licensed_seats: 'licensedSeats',
};
export const ACCOUNT_TRAIT_FIELDS = ['name', 'industry', 'region', 'licensedSeats', 'goLiveDate'] as const;

export const IngestSettings = z.object({
  groupTraitMap: z.record(
    z.string().min(1).max(100),
    z
      .string()
      .refine(
        (f) => (ACCOUNT_TRAIT_FIELDS as readonly string[]).includes(f) || /^cf\.[a-z][a-z0-9_]*$/.test(f),
        {
          message: `must be one of ${ACCOUNT_TRAIT_FIELDS.join(', ')} or cf.<custom field key>`,
        },
      ),
  ),
  /** Events stamped further ahead than this are rejected as future_timestamp. */
  maxFutureHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 30),
  /** Raw events older than this many days are deleted by the retention job (rollups are kept); 0 keeps all. */
  retentionDays: z.number().int().min(0).max(3650),
  /**
   * May a write key's `group` call rename an account that already exists? Off by default: the
   * name given when the account is created stays unless a person changes it (a leaked write key
   * cannot rename customers). Other traits still update.
   */
  writeKeyRenames: z.boolean(),
});
export type IngestSettings = z.infer<typeof IngestSettings>;

export const DEFAULT_SETTINGS: IngestSettings = {
  groupTraitMap: DEFAULT_GROUP_TRAIT_MAP,
  maxFutureHours: 24,
  retentionDays: 730,
  writeKeyRenames: false,
};

export async function loadIngestSettings(ctx: Pick<Ctx, 'db' | 'workspace'>): Promise<IngestSettings> {
  const row = await ctx.db
    .selectFrom('ingest_settings')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .executeTakeFirst();
  if (!row) return DEFAULT_SETTINGS;
  return {
    groupTraitMap: parseJson(row.group_trait_map, DEFAULT_GROUP_TRAIT_MAP),
    maxFutureHours: row.max_future_hours,
    retentionDays: row.retention_days,
    writeKeyRenames: row.write_key_renames === 1,
  };
}

export async function getIngestSettings({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'read');
  return loadIngestSettings(ctx);
}

export async function updateIngestSettings({ ctx, input }: { ctx: Ctx; input: Partial<IngestSettings> }) {
  await authorize(ctx, 'settings:write');
  const patch = IngestSettings.partial().parse(input);
  return inTransaction(ctx, async (tx) => {
    const before = await loadIngestSettings(tx);
    const after = { ...before, ...patch };
    const row = {
      workspace_id: tx.workspace.id,
      group_trait_map: JSON.stringify(after.groupTraitMap),
      max_future_hours: after.maxFutureHours,
      retention_days: after.retentionDays,
      write_key_renames: after.writeKeyRenames ? 1 : 0,
      updated_at: nowIso(tx),
    };
    await tx.db
      .insertInto('ingest_settings')
      .values(row)
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet(row))
      .execute();
    await writeAudit(tx, {
      action: 'ingest_settings.updated',
      entityType: 'ingest_settings',
      entityId: tx.workspace.id,
      before,
      after,
    });
    return after;
  });
}
