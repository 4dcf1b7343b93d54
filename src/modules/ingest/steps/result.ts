// What every ingest step returns per event: ok(value) to go on, or drop(reason) to stop that event
// there. An expected rejection is data, counted by reason per workspace, never an exception.
import type { Ctx } from '../../../context.ts';
import type { IngestSettings } from '../settings.ts';

/** The closed list of reasons an event is not stored; `duplicate` is counted apart from rejections. */
export const DROP_REASONS = [
  'invalid_type',
  'missing_identity',
  'missing_event_name',
  'missing_group_id',
  'missing_previous_id',
  'invalid_message_id',
  'invalid_properties',
  'invalid_text',
  'invalid_timestamp',
  'future_timestamp',
  'event_too_large',
  'duplicate',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export type StepResult<T, R extends string = DropReason> =
  | { ok: true; value: T }
  | { ok: false; reason: R; detail: string };
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const drop = <R extends string = DropReason>(
  reason: R,
  detail: string,
): { ok: false; reason: R; detail: string } => ({
  ok: false,
  reason,
  detail,
});

/** Where an event came from: its batch in the group commit and its index in that batch. */
export type EventTag = { batch: number; index: number; raw: unknown; receivedAt: Date };
export type Dropped = { tag: EventTag; reason: DropReason; detail: string };

/** What the steps of one run share: the transaction, the settings, and what earlier steps found. */
export type BatchEnv = {
  tx: Ctx;
  settings: IngestSettings;
  /** Every event dropped so far, in step order (the write step stores the rejections). */
  dropped: Dropped[];
  /** Counters the steps add to (ingest_counters), bumped once after the last step. */
  counts: Record<string, number>;
};

/**
 * A step over the events of one run: one result per input, in the input's order. Steps that need
 * the whole batch (dedup against the store, identity, one multi-row write) see it at once; a step
 * that judges events one by one simply maps.
 */
export type BatchStep<In, Out> = {
  name: string;
  /** Pure work (no database): the runner goes on without yielding to the event loop after it. */
  pure?: boolean;
  run: (env: BatchEnv, events: readonly Tagged<In>[]) => Promise<StepResult<Out>[]>;
};
export type Tagged<T> = { tag: EventTag; value: T };
