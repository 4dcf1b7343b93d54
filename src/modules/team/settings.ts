import { type Ctx, inTransaction } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { forbidden } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { nowIso } from '../../time.ts';
import { authorize, can, writeAudit } from '../auth/index.ts';
import { type CapacityModel, DEFAULT_CAPACITIES } from './capacity.ts';
import { TeamSettings, UpdateTeamSettings } from './team.schemas.ts';

/**
 * Touch cadences from seed 000: strategic accounts get "高频联系" (every two weeks here, with a
 * QBR each quarter), growth accounts regular usage reports (monthly), nurture accounts low-touch
 * (quarterly). Seed 002's size tiers are mapped the same way, biggest most often.
 */
export const DEFAULT_SETTINGS: TeamSettings = {
  capacities: DEFAULT_CAPACITIES as TeamSettings['capacities'],
  fallbackAccountsPerCsm: 40,
  weighting: 'count',
  hoursPerCsm: 120,
  groupSize: 7,
  growth: 0,
  cadenceDays: { strategic: 14, growth: 30, nurture: 90, very_large: 14, large: 30, medium: 60, small: 90 },
  fallbackCadenceDays: 60,
  scorecardWeights: { outcome: 0.6, process: 0.4 },
  csmReadScope: 'group',
};

export async function loadTeamSettings(ctx: Ctx): Promise<TeamSettings> {
  const row = await ctx.db
    .selectFrom('team_settings')
    .select('settings')
    .where('workspace_id', '=', ctx.workspace.id)
    .executeTakeFirst();
  return { ...DEFAULT_SETTINGS, ...parseJson<Partial<TeamSettings>>(row?.settings, {}) };
}

export function capacityModel(s: TeamSettings): CapacityModel {
  return {
    capacities: s.capacities,
    fallback: { accountsPerCsm: s.fallbackAccountsPerCsm },
    weighting: s.weighting,
    hoursPerCsm: s.hoursPerCsm,
  };
}

export async function getTeamSettings({ ctx }: { ctx: Ctx }): Promise<TeamSettings> {
  await authorize(ctx, 'read');
  return loadTeamSettings(ctx);
}

/** Replaces the fields given (a map such as capacities is replaced whole, not merged). */
export async function updateTeamSettings({ ctx, input }: { ctx: Ctx; input: UpdateTeamSettings }) {
  await authorize(ctx, 'team:manage');
  const data = UpdateTeamSettings.parse(input);
  return inTransaction(ctx, async (tx) => {
    const before = await loadTeamSettings(tx);
    // Who reads which accounts is an admin's decision: a manager limited to their groups could
    // otherwise widen their own access.
    if (data.csmReadScope !== undefined && data.csmReadScope !== before.csmReadScope) {
      if (can(tx, 'users:manage') !== 'all') throw forbidden(msg('sec.readScopeAdminOnly'));
    }
    const after = TeamSettings.parse({ ...before, ...data });
    const now = nowIso(tx);
    await tx.db
      .insertInto('team_settings')
      .values({ workspace_id: tx.workspace.id, settings: JSON.stringify(after), updated_at: now })
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({ settings: JSON.stringify(after), updated_at: now }),
      )
      .execute();
    await writeAudit(tx, {
      action: 'team_settings.updated',
      entityType: 'team_settings',
      entityId: tx.workspace.id,
      before,
      after,
    });
    return after;
  });
}
