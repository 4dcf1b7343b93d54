import { type Locale, type MessageKey, msg, render } from '../../i18n/index.ts';
import type { MetricDefinition } from '../metrics/index.ts';
import {
  type Component,
  DEFAULT_BANDS,
  DEFAULT_HYSTERESIS,
  DEFAULT_MODEL_KEY,
  type Dimension,
  type HealthModelSpec,
} from './health-model.schemas.ts';

/** The id health_scores rows carry when the built-in default model scored them. */
export const DEFAULT_MODEL_ID = DEFAULT_MODEL_KEY;

/**
 * A sensible model from whatever metrics a workspace has: the catch-all scoring every account no
 * stored model matches (health-models.ts stores a workspace's edit of it instead; the demo scores
 * with it as built). Seed 004: value behaviours (queries run, approvals, interviews) show the product
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
  /** Whether the workspace has support tickets: only then is there a support dimension. */
  options: { tickets?: boolean } = {},
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
    {
      // Seed 003's health formula weighs nps_score beside usage. The account's NPS (-100..100 over
      // a year of answers) maps linearly to 0-100; without answers it drops out like any null.
      key: 'nps',
      name: t('health.comp.nps'),
      fact: 'nps',
      weight: 1,
      direction: 'higher_better',
      normalisation: { kind: 'linear', min: -100, max: 100 },
    },
  ];
  const dimensions: Dimension[] = [
    { key: 'usage', name: t('health.dim.usage'), weight: 60, components: usage },
    { key: 'engagement', name: t('health.dim.engagement'), weight: 25, components: engagement },
  ];
  // Support (工单): many open or escalated tickets, slow resolutions and low ratings mark a customer
  // who is struggling. Only where the workspace has tickets: without a help desk connected, zero
  // tickets would read as perfect support for everyone. Resolution and rating drop out for an
  // account with no solved (rated) ticket in 90 days, and the dimension's weight renormalises.
  if (options.tickets) {
    const support: Component[] = [
      {
        key: 'open_tickets',
        name: t('health.comp.openTickets'),
        fact: 'tickets_open',
        weight: 1,
        direction: 'lower_better',
        normalisation: {
          kind: 'bands',
          bands: [
            { upTo: 0, score: 100 },
            { upTo: 2, score: 75 },
            { upTo: 5, score: 40 },
            { upTo: null, score: 10 },
          ],
        },
      },
      {
        key: 'escalations',
        name: t('health.comp.escalations'),
        fact: 'ticket_escalations_90d',
        weight: 1,
        direction: 'lower_better',
        normalisation: {
          kind: 'bands',
          bands: [
            { upTo: 0, score: 100 },
            { upTo: 1, score: 60 },
            { upTo: 3, score: 25 },
            { upTo: null, score: 0 },
          ],
        },
      },
      {
        key: 'resolution_time',
        name: t('health.comp.resolutionTime'),
        fact: 'ticket_resolution_hours_90d',
        weight: 1,
        direction: 'lower_better',
        normalisation: {
          kind: 'bands',
          bands: [
            { upTo: 8, score: 100 },
            { upTo: 24, score: 80 },
            { upTo: 72, score: 50 },
            { upTo: 168, score: 20 },
            { upTo: null, score: 0 },
          ],
        },
      },
      {
        // 1 = 0, 5 = 100.
        key: 'ticket_satisfaction',
        name: t('health.comp.ticketSatisfaction'),
        fact: 'ticket_satisfaction_90d',
        weight: 2,
        direction: 'higher_better',
        normalisation: { kind: 'linear', min: 1, max: 5 },
      },
    ];
    dimensions.push({ key: 'support', name: t('health.dim.support'), weight: 20, components: support });
  }
  return {
    key: DEFAULT_MODEL_KEY,
    name: t('health.model.default'),
    position: 0,
    hysteresis: DEFAULT_HYSTERESIS,
    selector: null,
    dimensions,
    sentiment: { weight: 15, expiresAfterDays: 90 },
    bands: DEFAULT_BANDS.map((b) => ({ ...b, label: { ...b.label } })),
  };
}
