import { type Ctx, inTransaction } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { nowIso } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { DEFAULT_REQUEST_SETTINGS, RequestSettings } from './priority-rule.ts';
import { UpdateRequestSettings } from './requests.schemas.ts';

type Stored = Partial<Omit<RequestSettings, 'weights'>> & { weights?: Partial<RequestSettings['weights']> };

/** The workspace's settings: stored changes over the defaults, so new weights get their default. */
export async function loadRequestSettings(ctx: Pick<Ctx, 'db' | 'workspace'>): Promise<RequestSettings> {
  const row = await ctx.db
    .selectFrom('request_settings')
    .select('settings')
    .where('workspace_id', '=', ctx.workspace.id)
    .executeTakeFirst();
  return merge(DEFAULT_REQUEST_SETTINGS, parseJson<Stored>(row?.settings, {}));
}

const merge = (base: RequestSettings, patch: Stored): RequestSettings =>
  RequestSettings.parse({ ...base, ...patch, weights: { ...base.weights, ...patch.weights } });

export async function getRequestSettings({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'read');
  return loadRequestSettings(ctx);
}

export async function updateRequestSettings({ ctx, input }: { ctx: Ctx; input: UpdateRequestSettings }) {
  await authorize(ctx, 'settings:write');
  const patch = UpdateRequestSettings.parse(input);
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db
      .selectFrom('request_settings')
      .select('settings')
      .where('workspace_id', '=', tx.workspace.id)
      .executeTakeFirst();
    const stored = parseJson<Stored>(row?.settings, {});
    const before = merge(DEFAULT_REQUEST_SETTINGS, stored);
    const next: Stored = { ...stored, ...patch, weights: { ...stored.weights, ...patch.weights } };
    const after = merge(DEFAULT_REQUEST_SETTINGS, next);
    const values = { workspace_id: tx.workspace.id, settings: JSON.stringify(next), updated_at: nowIso(tx) };
    await tx.db
      .insertInto('request_settings')
      .values({ ...values, last_number: 0 })
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({ settings: values.settings, updated_at: values.updated_at }),
      )
      .execute();
    await writeAudit(tx, {
      action: 'request_settings.updated',
      entityType: 'request_settings',
      entityId: tx.workspace.id,
      before,
      after,
    });
    return after;
  });
}
