// What a fact provider is: the shape each module that owns facts (accounts, metrics, timeline)
// exports, and the batch buildFacts hands it. This file imports nothing from the providers or from
// buildFacts, so a provider can name these types without an import cycle; buildFacts and the
// catalogue compose the list of providers (catalogue.ts).
import type { CompiledQuery } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { FactDef } from './condition.ts';

/** One flat record per account, keyed like the catalogue (`arr`, `metrics.reports_run.mom`...). */
export type Facts = Record<string, unknown>;

/** A read a provider asks for: a Kysely select, executed here or compiled for the read worker. */
export type FactQuery<R> = { execute: () => Promise<R[]>; compile: () => CompiledQuery<R> };

/**
 * A provider's query over some accounts: `ids` is an IN list of at most a few hundred ids, or null
 * for every account of the workspace. buildFacts decides how a batch is cut and where it runs.
 */
export type ScopedQuery<R> = (ids: readonly string[] | null) => FactQuery<R>;

/** The accounts being built, handed to each provider's `load` in turn. */
export type FactBatch = {
  /** Every fact is as of this day: nothing dated after it may be read. */
  readonly day: string;
  /** Account ids, in record order. */
  readonly ids: readonly string[];
  /**
   * One record per account, every key of the build already present (null): a provider assigns
   * only its own keys, never adds one (records share one in-object layout; see recordMaker).
   */
  readonly records: readonly Facts[];
  /** Record index of each account id. */
  readonly position: ReadonlyMap<string, number>;
  /** True when the batch is every account of the workspace, so ranks can be taken within it. */
  readonly whole: boolean;
  /** Runs the query over the batch's accounts and returns every row. */
  select: <R>(query: ScopedQuery<R>) => Promise<R[]>;
  /**
   * Runs each query (one row per account: `account_id` and numeric columns) in turn and yields its
   * columns for every record as one typed array: record i's column c at `i * columns.length + c`,
   * 0 where the account has no row. One array is alive at a time; long workspace-wide scans may
   * run on a second connection meanwhile.
   */
  totals: <C extends string>(
    queries: readonly ScopedQuery<{ account_id: string } & Record<C, unknown>>[],
    columns: readonly C[],
  ) => AsyncIterable<Float64Array>;
  /** Every account id of the workspace, whatever the batch holds (to rank against all of them). */
  allAccountIds: () => Promise<readonly string[]>;
  /**
   * The values a workspace-wide rank is taken among (populations.ts): a whole build hands each
   * ranked fact's values to `keep` (today's full recompute stores them); a build of some accounts
   * gets the stored ones of its day from `kept`, or undefined (then it reads every account).
   */
  population: {
    keep: (key: string, values: Float64Array) => void;
    kept: (key: string) => Promise<Float64Array | undefined>;
  };
  /**
   * Whether the caller needs this fact. True for every key unless the build was asked for some
   * facts only: then a provider may leave out work that only an unwanted fact needs (a rank among
   * every account of the workspace, for one account's KPI).
   */
  wants: (key: string) => boolean;
};

/** A provider opened for one workspace: what its own definitions add, and a loader bound to them. */
export type FactLoader = {
  /** Facts that this workspace's definitions add (custom fields, metrics); empty for most. */
  definitions: readonly FactDef[];
  /**
   * Assigns this provider's facts in every record of the batch, as of `batch.day`, reading only its
   * own module's tables. Providers load in list order, so a provider may read facts an earlier one
   * set (breadth reads the accounts provider's licensed_seats).
   */
  load: (batch: FactBatch) => Promise<void>;
};

export type FactProvider<L extends FactLoader = FactLoader> = {
  /** Facts every account has whatever the workspace defines (BASE_FACTS is their union). */
  definitions: readonly FactDef[];
  /**
   * True when its facts are made from facts of the providers before it beyond the roster's (the
   * churn model reads every one): a build that needs this provider then builds them all.
   */
  readsEarlierFacts?: boolean;
  /** Reads the workspace's definitions once per build or catalogue. */
  open: (ctx: Ctx) => Promise<L>;
};

/** The one provider that also says which accounts a batch holds: the accounts module's. */
export type FactRoster = FactLoader & {
  /**
   * A record from `make` for each account of `ids` that exists (every account of the workspace
   * for null), in stored order, with this provider's facts that need no other table already set.
   */
  list: (request: {
    ids: readonly string[] | null;
    day: string;
    make: () => Facts;
    select: <R>(query: ScopedQuery<R>, ids: readonly string[] | null) => Promise<R[]>;
  }) => Promise<Map<string, Facts>>;
  /** Every account id of the workspace. */
  allAccountIds: () => Promise<readonly string[]>;
};
