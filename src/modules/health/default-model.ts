import { type Locale, type MessageKey, msg, render } from '../../i18n/index.ts';
import type { MetricDefinition } from '../metrics/index.ts';
import {
  type Component,
  DEFAULT_BANDS,
  type Dimension,
  type HealthModelSpec,
} from './health-model.schemas.ts';

/** The id health_scores rows carry when the built-in default model scored them. */
export const DEFAULT_MODEL_ID = 'default';

/**
 * A sensible model from whatever metrics a workspace has, used until it defines its own (and by
 * the demo). Seed 004: value behaviours (queries run, approvals, interviews) show the product
 * delivering value, while basic ones (logins, imports) keep happening until the day a customer
 * leaves, so usage is scored on value metrics; basic ones stand in only when no value metric
 * exists. Breadth (active users / seats) and depth (features used) are its 使用广度 and 使用深度.
 *
 * There is no commercial dimension: days to renewal says how urgent an account is, not how
 * healthy, and belongs to the lifecycle stage (续约期) and automation; ARR would rank big
 * customers as healthy for being big.
 */
export function defaultHealthModel(
  metrics: readonly Pick<MetricDefinition, 'key' | 'name' | 'behaviour'>[],
  /** The language of its labels (the reader's: the model is built for each call, never stored). */
  locale: Locale = 'en',
): HealthModelSpec {
  const t = (key: MessageKey, params?: Record<string, string>) => render(locale, msg(key, params));
  const value = metrics.filter((m) => m.behaviour === 'value');
  const scored = value.length ? value : metrics;
  const usage: Component[] = scored.flatMap((m): Component[] => [
    {
      key: `${m.key}_volume`,
      name: t('health.comp.volume', { metric: m.name }),
      fact: `metrics.${m.key}.total_30d`,
      weight: 2,
      direction: 'higher_better',
      normalisation: { kind: 'percentile' },
    },
    {
      // -50% or worse scores 0, flat 50, +50% or better 100; null (nothing the month before) drops out.
      key: `${m.key}_trend`,
      name: t('health.comp.trend', { metric: m.name }),
      fact: `metrics.${m.key}.mom`,
      weight: 1,
      direction: 'higher_better',
      normalisation: { kind: 'linear', min: -0.5, max: 0.5 },
    },
  ]);
  usage.push(
    {
      key: 'breadth',
      name: t('health.comp.breadth'),
      fact: 'breadth',
      weight: 2,
      direction: 'higher_better',
      normalisation: { kind: 'linear', min: 0, max: 0.8 },
    },
    {
      key: 'depth',
      name: t('health.comp.depth'),
      fact: 'depth',
      weight: 1,
      direction: 'higher_better',
      normalisation: { kind: 'linear', min: 0, max: 0.6 },
    },
  );
  const engagement: Component[] = [
    {
      key: 'last_touch',
      name: t('health.comp.lastTouch'),
      fact: 'days_since_last_touch',
      weight: 1,
      direction: 'lower_better',
      normalisation: {
        kind: 'bands',
        bands: [
          { upTo: 14, score: 100 },
          { upTo: 30, score: 75 },
          { upTo: 60, score: 40 },
          { upTo: 90, score: 15 },
          { upTo: null, score: 0 },
        ],
      },
    },
    {
      key: 'active_users',
      name: t('health.comp.activeUsers'),
      fact: 'active_users_30d',
      weight: 1,
      direction: 'higher_better',
      normalisation: { kind: 'percentile' },
    },
  ];
  const dimensions: Dimension[] = [
    { key: 'usage', name: t('health.dim.usage'), weight: 60, components: usage },
    { key: 'engagement', name: t('health.dim.engagement'), weight: 25, components: engagement },
  ];
  return {
    key: 'default',
    name: t('health.model.default'),
    position: 0,
    selector: null,
    dimensions,
    sentiment: { weight: 15, expiresAfterDays: 90 },
    bands: DEFAULT_BANDS.map((b) => ({ ...b, label: { ...b.label } })),
  };
}
