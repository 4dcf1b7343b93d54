import { type Ctx, inTransaction } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { nowIso } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { DEFAULT_SURVEY_SETTINGS, SurveySettings, UpdateSurveySettings } from './surveys.schemas.ts';

/** The workspace's survey settings: stored changes over the defaults. */
export async function loadSurveySettings(ctx: Pick<Ctx, 'db' | 'workspace'>): Promise<SurveySettings> {
  const row = await ctx.db
    .selectFrom('survey_settings')
    .select('settings')
    .where('workspace_id', '=', ctx.workspace.id)
    .executeTakeFirst();
  return SurveySettings.parse({ ...DEFAULT_SURVEY_SETTINGS, ...parseJson<object>(row?.settings, {}) });
}

export async function getSurveySettings({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'read');
  return loadSurveySettings(ctx);
}

export async function updateSurveySettings({ ctx, input }: { ctx: Ctx; input: UpdateSurveySettings }) {
  await authorize(ctx, 'settings:write');
  const patch = UpdateSurveySettings.parse(input);
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db
      .selectFrom('survey_settings')
      .select('settings')
      .where('workspace_id', '=', tx.workspace.id)
      .executeTakeFirst();
    const stored = parseJson<Partial<SurveySettings>>(row?.settings, {});
    const before = SurveySettings.parse({ ...DEFAULT_SURVEY_SETTINGS, ...stored });
    const next = { ...stored, ...patch };
    const after = SurveySettings.parse({ ...DEFAULT_SURVEY_SETTINGS, ...next });
    const values = { workspace_id: tx.workspace.id, settings: JSON.stringify(next), updated_at: nowIso(tx) };
    await tx.db
      .insertInto('survey_settings')
      .values(values)
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({ settings: values.settings, updated_at: values.updated_at }),
      )
      .execute();
    await writeAudit(tx, {
      action: 'survey_settings.updated',
      entityType: 'survey_settings',
      entityId: tx.workspace.id,
      before,
      after,
    });
    return after;
  });
}
