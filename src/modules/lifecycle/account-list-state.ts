import type { AccountStateSource } from '../accounts/index.ts';
import { accountListBase } from '../segments/index.ts';
import { loadStages } from './lifecycle.ts';

/**
 * The accounts list's view of the derived state: segments' columns, matching and tier order, and
 * the stages in the workspace's order for the stage sort (lifecycle imports segments, so the two
 * meet here rather than in segments).
 */
export const accountListState: AccountStateSource = {
  ...accountListBase,
  order: async (ctx, key) =>
    key === 'tier' ? accountListBase.tierOrder(ctx) : (await loadStages(ctx)).map((s) => s.key),
};
