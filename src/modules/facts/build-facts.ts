// buildFacts composes the fact providers (catalogue.ts): the accounts provider lists the accounts
// and the others fill their records in turn. What a provider reads is its own; how records are laid
// out in memory, how id lists are cut and where the long scans run is decided here, once.
import type { Ctx } from '../../context.ts';
import { openReadWorker } from '../../db/read-worker.ts';
import { FACT_PROVIDERS, ROSTER_PROVIDER } from './catalogue.ts';
import { FAMILY_FACT_KEYS } from './family-facts.ts';
import { keptPopulations, type Populations } from './populations.ts';
import type { FactBatch, FactLoader, FactProvider, Facts, ScopedQuery } from './provider.ts';
import { stateFacts } from './state-facts.ts';

export { monthsBetween } from '../accounts/index.ts';
export { percentileRankArray, percentileRanks } from './percentile.ts';
export type { Facts } from './provider.ts';

const BATCH = 500;
/** Below this many accounts the scans are quick and a second connection is not worth its start. */
const PARALLEL_SCANS_FROM = 2000;

/**
 * Makes empty facts records: every key, in order, null. A record has 8 facts per metric, 180+ keys
 * with 20 metrics; a plain object given that many keys one by one falls into V8's dictionary mode
 * at ~12 KB a record (1.3 GB for 100,000 accounts), while objects from one constructor that assigns
 * every key on `this` share one in-object layout, ~2.3 KB a record. The generated code holds no key
 * (`this[keys[i]] = null`). Records stay plain objects: Object.prototype, own enumerable keys.
 */
export function recordMaker(keys: readonly string[]): () => Facts {
  const Blank = new Function('keys', keys.map((_, i) => `this[keys[${i}]] = null;`).join('\n')) as new (
    keys: readonly string[],
  ) => Facts;
  Blank.prototype = Object.prototype;
  return () => new Blank(keys);
}

/**
 * Which providers a build loads, in order, and what each must give. Without `only`, all of them and
 * every fact. With it, a provider is loaded when it defines a named fact or a later loaded provider
 * reads every fact before it (readsEarlierFacts: the churn model, expansion signals, plan KPIs);
 * such a reader's predecessors give every fact, the others only the named ones. The roster always
 * loads.
 */
function loadPlan(
  providers: readonly FactProvider[],
  loaders: readonly FactLoader[],
  only: readonly string[] | undefined,
): { loader: FactLoader; wants: (key: string) => boolean }[] {
  const every = () => true;
  if (!only) return loaders.map((loader) => ({ loader, wants: every }));
  const named = new Set(only);
  const wants = (key: string) => named.has(key);
  const plan: { loader: FactLoader; wants: (key: string) => boolean }[] = [];
  let readAll = false;
  for (let i = loaders.length - 1; i >= 0; i--) {
    const defines = [providers[i]!, loaders[i]!].some((p) => p.definitions.some((d) => named.has(d.key)));
    if (i > 0 && !readAll && !defines) continue;
    plan.unshift({ loader: loaders[i]!, wants: readAll ? every : wants });
    if (providers[i]!.readsEarlierFacts) readAll = true;
  }
  return plan;
}

/** Runs a provider's query over `ids` in IN lists of BATCH ids, or once over the workspace for null. */
async function select<R>(query: ScopedQuery<R>, ids: readonly string[] | null): Promise<R[]> {
  if (ids === null) return query(null).execute();
  const out: R[] = [];
  for (let i = 0; i < ids.length; i += BATCH) out.push(...(await query(ids.slice(i, i + BATCH)).execute()));
  return out;
}

/**
 * The facts of many accounts as of `day`, in bulk: a handful of grouped queries per table, never
 * one per account. `accountIds` null means every account of the workspace. Percentiles always
 * rank against the whole workspace.
 *
 * `only` names the facts the caller reads (one account's KPIs): providers none of them needs are
 * not loaded and the rest may skip work no named fact needs (loadPlan, FactBatch.wants), so one
 * account's build ranks nothing across the workspace unless a rank is named. Other keys stay null.
 */
export async function buildFacts(
  ctx: Ctx,
  accountIds: readonly string[] | null,
  day: string,
  options: {
    parallelScansFrom?: number;
    only?: readonly string[];
    /** A whole build puts the values its ranks were taken among here (populations.ts). */
    populations?: Populations;
  } = {},
): Promise<Map<string, Facts>> {
  const roster = await ROSTER_PROVIDER.open(ctx);
  const opened = await Promise.all(FACT_PROVIDERS.map((p) => p.open(ctx)));
  const plan = loadPlan([ROSTER_PROVIDER, ...FACT_PROVIDERS], [roster, ...opened], options.only);
  // Every record gets every key of the catalogue but the state facts, in catalogue order.
  // ... and but the family roll-ups, which the evaluation batch adds after the state.
  const state = new Set([...stateFacts.definitions.map((d) => d.key), ...FAMILY_FACT_KEYS]);
  const keys = [ROSTER_PROVIDER, ...FACT_PROVIDERS, roster, ...opened]
    .flatMap((p) => p.definitions)
    .map((d) => d.key)
    .filter((k) => !state.has(k));
  const facts = await roster.list({ ids: accountIds, day, make: recordMaker(keys), select });
  if (facts.size === 0) return facts;

  const ids = [...facts.keys()];
  const records = [...facts.values()];
  const whole = accountIds === null;
  const scoped = whole ? null : ids;
  let everyId: Promise<readonly string[]> | undefined;
  let kept: Promise<Populations> | undefined;
  let loading = 0; // index in `plan` of the provider loading
  const batch: FactBatch = {
    day,
    ids,
    records,
    position: new Map(ids.map((id, i) => [id, i])),
    whole,
    select: (query) => select(query, scoped),
    totals: (queries, columns) => totals(ctx, queries, columns, batch, options.parallelScansFrom),
    allAccountIds: () => {
      everyId ??= whole ? Promise.resolve(ids) : roster.allAccountIds();
      return everyId;
    },
    population: {
      keep: (key, values) => {
        if (whole) options.populations?.set(key, Float64Array.from(values).sort());
      },
      kept: async (key) => {
        if (whole) return undefined;
        kept ??= keptPopulations(ctx, day);
        return (await kept).get(key);
      },
    },
    wants: (key) => plan[loading]!.wants(key),
  };
  for (; loading < plan.length; loading++) await plan[loading]!.loader.load(batch);
  return facts;
}

/**
 * FactBatch.totals. Every account's scans are the bulk of a recompute: on SQLite, every other
 * query of a whole-workspace build runs on a second connection in another thread while this one
 * runs the next (measured 16 s -> 9 s for 20 metrics over 36M rollup rows on two cores). Results
 * are still used one at a time, in order, each as one typed array: no object per account and query.
 */
async function* totals<C extends string>(
  ctx: Ctx,
  queries: readonly ScopedQuery<{ account_id: string } & Record<C, unknown>>[],
  columns: readonly C[],
  batch: FactBatch,
  parallelScansFrom = PARALLEL_SCANS_FROM,
): AsyncGenerator<Float64Array> {
  const { records, position } = batch;
  const width = columns.length;
  const side =
    batch.whole && records.length >= parallelScansFrom && queries.length > 1
      ? openReadWorker(ctx)
      : undefined;
  const sideRows = new Map<number, Promise<Record<string, unknown>[]>>();
  if (side) {
    for (let i = 0; i < queries.length; i += 2) sideRows.set(i, side.run(queries[i]!(null).compile()));
    // A failed side query is reported where its rows are awaited, not as an unhandled rejection.
    for (const p of sideRows.values()) p.catch(() => {});
  }
  try {
    for (const [index, query] of queries.entries()) {
      const rows = ((await sideRows.get(index)) ?? (await batch.select(query))) as Record<string, unknown>[];
      const out = new Float64Array(records.length * width);
      for (const r of rows) {
        const at = position.get(r.account_id as string);
        if (at === undefined) continue;
        const o = at * width;
        for (let c = 0; c < width; c++) out[o + c] = Number(r[columns[c]!] ?? 0);
      }
      yield out;
    }
  } finally {
    await side?.close();
  }
}
