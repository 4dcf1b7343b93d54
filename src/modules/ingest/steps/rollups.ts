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
    for (const e of accepted) {
      if (e.accountId)
        rollup.push({
          accountId: e.accountId,
          day: e.day,
          type: e.type,
          eventName: e.eventName,
          userKey: e.userKey,
          properties: e.properties,
        });
    }
    if (rollup.length) {
      await applyRollups(tx, rollup, { metrics: await loadMetrics(tx), features: await loadFeatures(tx) });
    }
    if (attached.length) counts.attached = (counts.attached ?? 0) + attached.length;
    return accepted.map((e) => ok(e));
  },
};
