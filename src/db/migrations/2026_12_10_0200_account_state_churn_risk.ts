import type { Kysely } from 'kysely';

// Issue 18: the recompute keeps each account's churn risk (the `churn_risk` fact) in its current
// state, so renewal lists, the forecast and the team overview read it instead of building every
// listed account's facts again on each request.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('account_states').addColumn('churn_risk', 'double precision').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('account_states').dropColumn('churn_risk').execute();
}
