import { type Kysely, sql } from 'kysely';

/**
 * Names in both languages: `label` ({"en": ..., "zh-CN": ...}, null: `name` in both) on lifecycle
 * stages, segments and tiering schemes; a scheme's `tier_labels` (tier key -> label); a stage's
 * `journey_position`, the order an account lives through the stages (onboarding ... churned), which
 * is not the order their conditions are tried in (`position`). Stages and schemes installed from the
 * defaults get their labels and journey order here.
 */
const STAGES: [key: string, en: string, zh: string, journey: number][] = [
  ['onboarding', 'Onboarding', '熟悉期', 1],
  ['adoption', 'Adoption', '使用期', 2],
  ['advanced', 'Advanced', '进阶期', 3],
  ['renewal', 'Renewal', '续约期', 4],
  ['expansion', 'Expansion', '增值期', 5],
  ['churned', 'Churned', '已流失', 6],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('lifecycle_stages').addColumn('label', 'text').execute();
  await db.schema.alterTable('lifecycle_stages').addColumn('journey_position', 'integer').execute();
  await db.schema.alterTable('segments').addColumn('label', 'text').execute();
  await db.schema.alterTable('tiering_schemes').addColumn('label', 'text').execute();
  await db.schema.alterTable('tiering_schemes').addColumn('tier_labels', 'text').execute();
  for (const [key, en, zh, journey] of STAGES) {
    // Only stages still named as the defaults named them: a renamed stage keeps its own name.
    await sql`update lifecycle_stages set label = ${JSON.stringify({ en, 'zh-CN': zh })},
      journey_position = ${journey} where key = ${key} and name = ${zh}`.execute(db);
  }
  await sql`update tiering_schemes set label = ${JSON.stringify({
    en: 'Strategic / Growth / Nurture',
    'zh-CN': '战略型 / 成长型 / 培育型',
  })} where key = 'strategic_growth_nurture' and name = '战略型 / 成长型 / 培育型'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tiering_schemes').dropColumn('tier_labels').execute();
  await db.schema.alterTable('tiering_schemes').dropColumn('label').execute();
  await db.schema.alterTable('segments').dropColumn('label').execute();
  await db.schema.alterTable('lifecycle_stages').dropColumn('journey_position').execute();
  await db.schema.alterTable('lifecycle_stages').dropColumn('label').execute();
}
