import type { Kysely } from 'kysely';

// A contract's successors (the contracts that renew it): every renewal list, the forecast and the
// reports that read them looked them up by `renews_contract_id`, which no index led with, so each
// chunk of 500 ids scanned the workspace's contracts: 16 scans, 0.3 s of the renewal window's 0.6 s
// at 20,000 accounts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('contracts_renews')
    .on('contracts')
    .columns(['workspace_id', 'renews_contract_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('contracts_renews').execute();
}
