// Issue 13 item 6: how often health statuses change week over week, without and with hysteresis.
// Reads the stored health snapshots of a workspace (the demo's weekly history), and for each week
// and the one before it counts the accounts scored on both days whose status differs:
//   plain       the band of each week's score as it falls (no hysteresis: the old behaviour),
//   hysteresis  the same scores, each status kept unless the score passed the boundary of the
//               previous week's status by more than the default margin (statusWithHysteresis),
//   stored      the statuses the recompute stored (whatever code built the database).
// Also the accounts whose score dropped more than 5 points in the last week.
//   DATABASE_URL=./data/steward.db node --import tsx scripts/health-status-churn.ts [workspace-slug]
import { loadConfig } from '../src/config.ts';
import { openDeps } from '../src/deps.ts';
import { DEFAULT_HYSTERESIS } from '../src/modules/health/health-model.schemas.ts';
import { DEFAULT_BANDS, statusWithHysteresis } from '../src/modules/health/index.ts';
import { addDays } from '../src/time.ts';

const { deps, close } = await openDeps(loadConfig(), { migrate: false });
try {
  const slug = process.argv[2];
  const ws = await deps.db
    .selectFrom('workspaces')
    .select(['id', 'slug'])
    .$if(!!slug, (q) => q.where('slug', '=', slug!))
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  const rows = await deps.db
    .selectFrom('health_scores')
    .select(['account_id', 'day', 'score', 'status'])
    .where('workspace_id', '=', ws.id)
    .where('score', 'is not', null)
    .orderBy('day')
    .execute();
  const byDay = new Map<string, Map<string, { score: number; status: string | null }>>();
  for (const r of rows) {
    const day = byDay.get(r.day) ?? new Map();
    day.set(r.account_id, { score: Number(r.score), status: r.status });
    byDay.set(r.day, day);
  }
  // Weekly points ending on the latest day (the demo backfills weekly, then daily for two weeks).
  const latest = [...byDay.keys()].sort().at(-1)!;
  const weeks: string[] = [];
  for (let d = latest; byDay.has(d); d = addDays(d, -7)) weeks.unshift(d);
  const plainOf = (score: number) => statusWithHysteresis(DEFAULT_BANDS, score, null, 0)?.key ?? null;
  const held = new Map<string, string | null>();
  const totals = { pairs: 0, plain: 0, hysteresis: 0, stored: 0 };
  const lines: string[] = [];
  for (let i = 0; i < weeks.length; i++) {
    const now = byDay.get(weeks[i]!)!;
    const prev = i > 0 ? byDay.get(weeks[i - 1]!)! : null;
    let pairs = 0;
    let plain = 0;
    let hyst = 0;
    let stored = 0;
    for (const [id, s] of now) {
      const before = held.get(id) ?? null;
      const after = statusWithHysteresis(DEFAULT_BANDS, s.score, before, DEFAULT_HYSTERESIS)?.key ?? null;
      held.set(id, after);
      const p = prev?.get(id);
      if (!p) continue;
      pairs++;
      if (plainOf(p.score) !== plainOf(s.score)) plain++;
      if (before !== after) hyst++;
      if (p.status !== s.status) stored++;
    }
    if (!prev) continue;
    totals.pairs += pairs;
    totals.plain += plain;
    totals.hysteresis += hyst;
    totals.stored += stored;
    const pct = (n: number) => `${((100 * n) / Math.max(1, pairs)).toFixed(1)}%`;
    lines.push(
      `${weeks[i]}  ${String(pairs).padStart(5)}  ${pct(plain).padStart(6)}  ${pct(hyst).padStart(6)}  ${pct(stored).padStart(6)}`,
    );
  }
  console.log(
    `workspace ${ws.slug}: ${weeks.length} weekly snapshots to ${latest}, margin ${DEFAULT_HYSTERESIS} points`,
  );
  console.log('week        pairs   plain  hyster  stored   (accounts changing status since the week before)');
  for (const l of lines) console.log(l);
  const pct = (n: number) => `${((100 * n) / Math.max(1, totals.pairs)).toFixed(1)}%`;
  console.log(
    `all weeks   ${String(totals.pairs).padStart(5)}  ${pct(totals.plain).padStart(6)}  ${pct(totals.hysteresis).padStart(6)}  ${pct(totals.stored).padStart(6)}`,
  );
  const last = byDay.get(latest)!;
  const weekAgo = byDay.get(addDays(latest, -7));
  if (weekAgo) {
    const drops = [...last].filter(([id, s]) => {
      const p = weekAgo.get(id);
      return p !== undefined && p.score - s.score > 5;
    }).length;
    console.log(`last week: ${drops} of ${last.size} scored accounts dropped more than 5 points`);
  }
} finally {
  await close();
}
