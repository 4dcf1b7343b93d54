// dedup: a messageId is stored once per workspace, ever. Within a run the first occurrence wins (a
// batch's own repeats, and a messageId in two batches of one group commit counts for the first);
// against the store, the primary key of event_ids is the guard, so concurrent requests carrying
// the same ids (client retries) lose there.
import { type BatchStep, drop, ok, type StepResult } from './result.ts';
import type { ValidEvent } from './validate.ts';

const CHUNK = 400;

export const dedupStep: BatchStep<ValidEvent, ValidEvent> = {
  name: 'dedup',
  run: async ({ tx }, events) => {
    const seen = new Set<string>();
    const first = events.map(({ value }) => {
      if (seen.has(value.messageId)) return false;
      seen.add(value.messageId);
      return true;
    });
    // Ids go in sorted so concurrent batches sharing ids lock them in the same order.
    const ids = [...seen].sort();
    const fresh = new Set<string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await tx.db
        .insertInto('event_ids')
        .values(ids.slice(i, i + CHUNK).map((id) => ({ workspace_id: tx.workspace.id, message_id: id })))
        .onConflict((oc) => oc.doNothing())
        .returning('message_id')
        .execute();
      for (const r of rows) fresh.add(r.message_id);
    }
    return events.map(({ value }, i): StepResult<ValidEvent> => {
      if (!first[i]) return drop('duplicate', 'messageId repeated in the batch');
      if (!fresh.has(value.messageId)) return drop('duplicate', 'messageId already stored');
      return ok(value);
    });
  },
};
