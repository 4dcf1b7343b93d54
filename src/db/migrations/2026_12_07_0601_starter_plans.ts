import type { Kysely } from 'kysely';
import { insertStarterPlans } from '../../modules/plans/starters.ts';
import type { Database } from '../schema.ts';

// Workspaces created before success plans get the starter plan templates and journey milestones
// that new workspaces are created with (they stay editable).
export async function up(db: Kysely<Database>): Promise<void> {
  const now = new Date().toISOString();
  const workspaces = await db.selectFrom('workspaces').select('id').execute();
  for (const w of workspaces) await insertStarterPlans(db, w.id, now);
}

export async function down(): Promise<void> {}
