// The state facts' definitions: health, tier, stage and segments. They come from the stored state
// of the last recompute (loadStateFacts in facts.ts), not from a provider's load, so they are only
// definitions here, listed in the catalogue after every provider's fixed facts.
import type { FactProvider } from './provider.ts';

export const stateFacts: Pick<FactProvider, 'definitions'> = {
  definitions: [
    { key: 'health.score', type: 'number', description: 'Health score 0-100' },
    { key: 'health.status', type: 'string', description: 'Health status key (e.g. excellent, fair, danger)' },
    { key: 'health.trend_7d', type: 'number', description: 'Health score change over 7 days' },
    { key: 'health.trend_30d', type: 'number', description: 'Health score change over 30 days' },
    { key: 'health.sentiment', type: 'number', description: "The CSM's current sentiment, 1-5" },
    {
      key: 'tier',
      type: 'string',
      description: 'Tier assigned by the active tiering scheme (or an override)',
    },
    { key: 'stage', type: 'string', description: 'Lifecycle stage key' },
    { key: 'days_in_stage', type: 'number', description: 'Days since the account entered its stage' },
    { key: 'segments', type: 'string[]', description: 'Keys of the saved segments the account is in' },
  ],
};
