// A workspace's QBR settings: which template each tier's report gets, and the hourly cost that
// values the hours a KPI saved in the ROI. Set once by an admin (GET/PUT /qbr/settings); a report
// request's own `template` or `hourlyCost` still wins. No row: DEFAULT_QBR_SETTINGS, the mapping
// that was fixed in code before (strategic -> strategic, nurture -> light, else standard; no cost).
import { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { invalidField } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { nowIso } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { loadActiveScheme, schemeTiers } from '../segments/index.ts';
import { DEFAULT_TIER_TEMPLATES, QBR_TEMPLATES } from './templates.ts';

export const QbrTemplateName = z.enum(QBR_TEMPLATES).openapi('QbrTemplate');

/** The most tiers a mapping may list: far above any scheme people keep (the defaults have 3). */
const MAX_TIERS = 200;

export const QbrSettings = z
  .object({
    /** Tier key -> template. Keys must be tiers the active tiering scheme assigns (when it lists them). */
    tierTemplates: z
      .record(z.string().trim().min(1).max(200), QbrTemplateName)
      .refine((m) => Object.keys(m).length <= MAX_TIERS, { message: `at most ${MAX_TIERS} tiers` }),
    /** The template of a tier not listed, and of an account with no tier. */
    defaultTemplate: QbrTemplateName,
    /** The cost of one working hour in the workspace's base currency; null: hours are not valued. */
    hourlyCost: z.number().positive().max(1_000_000).nullable(),
  })
  .strict()
  .openapi('QbrSettings');
export type QbrSettings = z.infer<typeof QbrSettings>;

export const DEFAULT_QBR_SETTINGS: QbrSettings = {
  tierTemplates: { ...DEFAULT_TIER_TEMPLATES.tierTemplates },
  defaultTemplate: DEFAULT_TIER_TEMPLATES.defaultTemplate,
  hourlyCost: null,
};

/** The settings the report reads; no permission check (the report has done its own). */
export async function loadQbrSettings(ctx: Pick<Ctx, 'db' | 'workspace'>): Promise<QbrSettings> {
  const row = await ctx.db
    .selectFrom('qbr_settings')
    .select('settings')
    .where('workspace_id', '=', ctx.workspace.id)
    .executeTakeFirst();
  if (!row) return DEFAULT_QBR_SETTINGS;
  // A stored document that no longer parses (hand-edited) reads as the defaults, not a broken report.
  const parsed = QbrSettings.safeParse(parseJson<unknown>(row.settings, null));
  return parsed.success ? parsed.data : DEFAULT_QBR_SETTINGS;
}

export async function getQbrSettings({ ctx }: { ctx: Ctx }): Promise<QbrSettings> {
  await authorize(ctx, 'read');
  return loadQbrSettings(ctx);
}

/** Replaces the settings (admins). Tier keys are checked against the active scheme's tiers. */
export async function updateQbrSettings({ ctx, input }: { ctx: Ctx; input: QbrSettings }) {
  await authorize(ctx, 'qbr:configure');
  const after = QbrSettings.parse(input);
  return inTransaction(ctx, async (tx) => {
    // As a manual tier override is checked: a plain scheme names every tier it can give, so a typo
    // is caught; with no active scheme, or composite tiers (open-ended), any key is accepted.
    const scheme = await loadActiveScheme(tx);
    const tiers = scheme ? schemeTiers(scheme) : null;
    if (scheme && tiers) {
      const unknown = Object.keys(after.tierTemplates).find((k) => !tiers.includes(k));
      if (unknown !== undefined)
        throw invalidField(
          `tierTemplates.${unknown}`,
          msg('error.unknownTier', { value: unknown, scheme: scheme.key, tiers: tiers.join(', ') }),
        );
    }
    const before = await loadQbrSettings(tx);
    const values = { workspace_id: tx.workspace.id, settings: JSON.stringify(after), updated_at: nowIso(tx) };
    await tx.db
      .insertInto('qbr_settings')
      .values(values)
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({ settings: values.settings, updated_at: values.updated_at }),
      )
      .execute();
    await writeAudit(tx, {
      action: 'qbr_settings.updated',
      entityType: 'qbr_settings',
      entityId: tx.workspace.id,
      before,
      after,
    });
    return after;
  });
}
