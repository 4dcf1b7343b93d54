// rollups: the batch's attached events and the pending events its group and alias calls attached,
// applied to the daily rollups in one pass. Before, the batch's own events and each group's newly
// attached events were applied separately (one applyRollups per group and per linked user, plus
// one for the batch), each loading the definitions and upserting the same hot rows again.
import { applyRollups, loadFeatures, loadMetrics, type RollupEvent } from '../../metrics/index.ts';
import { attachPendingEvents } from '../attach-pending.ts';
import type { ResolvedEvent } from './resolve-identity.ts';
import { type BatchStep, ok } from './result.ts';

export const rollupsStep: BatchStep<ResolvedEvent, ResolvedEvent> = {
  name: 'rollups',
  run: async ({ tx, counts }, events) => {
    const accepted = events.map((e) => e.value);
    const attached = await attachPendingEvents(tx, accepted);
    const rollup: RollupEvent[] = [...attached];
    // The batch's own events a later group call in it attached are no longer pending: the answer's
    // `pending` counts what is still pending after the batch (the counters count them as attached).
    const attachedNow = new Map(attached.map((a) => [a.id, a.accountId]));
    for (const e of accepted) {
      if (e.accountId)
        rollup.push({
          accountId: e.accountId,
          day: e.day,
          type: e.type,
          eventName: e.eventName,
          userKey: e.userKey,
          properties: e.properties,
          count: e.count,
        });
    }
    if (rollup.length) {
      await applyRollups(tx, rollup, { metrics: await loadMetrics(tx), features: await loadFeatures(tx) });
    }
    if (attached.length) counts.attached = (counts.attached ?? 0) + attached.length;
    return accepted.map((e) => {
      const now = e.accountId === null && e.eventId ? attachedNow.get(e.eventId) : undefined;
      if (!now) return ok(e);
      return ok({ ...e, accountId: now });
    });
  },
};
