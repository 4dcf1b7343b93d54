// Ready-made tiering schemes from the seeds: the strategic / growth / nurture tiers of seed 000 and
// the ways of tiering of seed 002 (ARR bands, active-user bands, region -> industry -> size).
import { type Band, bandRules, type TieringRules } from './rules.ts';

/** Seed 002's ARR bands (CNY): <100k small, 100k-300k medium, 300k-1M large, >=1M very large. */
export const ARR_BANDS: readonly Band[] = [
  { label: 'small', below: 100_000 },
  { label: 'medium', below: 300_000 },
  { label: 'large', below: 1_000_000 },
  { label: 'very_large' },
];

/** Seed 002's bands of people actually using the product: <30, 30-100, 100-500, >=500. */
export const ACTIVE_USER_BANDS: readonly Band[] = [
  { label: 'small', below: 30 },
  { label: 'medium', below: 100 },
  { label: 'large', below: 500 },
  { label: 'very_large' },
];

/**
 * Seed 002's mixed example splits each region/industry group into large and small accounts only;
 * the edge is where its ARR bands start "large" (300k).
 */
export const MIXED_SIZE_BANDS: readonly Band[] = [{ label: 'small', below: 300_000 }, { label: 'large' }];

/** Display names of the tier keys the templates use, for UIs and reports. */
export const TIER_LABELS: Readonly<Record<string, { zh: string; en: string }>> = {
  strategic: { zh: '战略型客户', en: 'Strategic' },
  growth: { zh: '成长型客户', en: 'Growth' },
  nurture: { zh: '培育型客户', en: 'Nurture' },
  small: { zh: '小型客户', en: 'Small' },
  medium: { zh: '中型客户', en: 'Medium' },
  large: { zh: '大型客户', en: 'Large' },
  very_large: { zh: '超大型客户', en: 'Very large' },
  unassigned: { zh: '未分层', en: 'Unassigned' },
  // RFM segments (seed 003), the same names the rfm_segment fact uses (metrics/rfm.ts).
  high_value_active: { zh: '高价值活跃客户', en: 'High-value active' },
  high_value_at_risk: { zh: '高价值流失预警客户', en: 'High-value, slipping' },
  low_value_churn_risk: { zh: '低价值流失风险客户', en: 'Low-value churn risk' },
  general: { zh: '一般维持客户', en: 'Maintain' },
};

type Bilingual = { en: string; 'zh-CN': string };
export type SchemeTemplate = TieringRules & {
  key: string;
  name: string;
  label: Bilingual;
  description: Bilingual;
};

/**
 * The default scheme (seed 000). Strategic: a large contract (ARR >= 1M, seed 002's "very large")
 * or a reference customer, tagged 标杆客户 ("合同金额大,或是标杆性客户"). Growth: a mid-sized
 * contract (ARR >= 100k, where seed 002's "medium" starts), the accounts with room to expand.
 * Nurture: everyone else, served with low-touch automation. Rules read only contract figures and
 * tags, so an account's tier does not flap with a week of usage; health and usage drive stages,
 * alerts and playbooks instead.
 */
export const DEFAULT_SCHEME: SchemeTemplate = {
  key: 'strategic_growth_nurture',
  name: '战略型 / 成长型 / 培育型',
  label: { en: 'Strategic / Growth / Nurture', 'zh-CN': '战略型 / 成长型 / 培育型' },
  description: {
    en: 'Strategic: ARR >= 1,000,000 or tagged 标杆客户 (reference customer). Growth: ARR >= 100,000. Nurture: everyone else.',
    'zh-CN': '战略型：ARR ≥ 1,000,000 或带有“标杆客户”标签。成长型：ARR ≥ 100,000。培育型：其余客户。',
  },
  rules: [
    {
      tier: 'strategic',
      when: {
        or: [
          { fact: 'arr', op: '>=', value: 1_000_000 },
          { fact: 'tags', op: 'contains', value: '标杆客户' },
        ],
      },
    },
    { tier: 'growth', when: { fact: 'arr', op: '>=', value: 100_000 } },
  ],
  defaultTier: 'nurture',
};

export const SCHEME_TEMPLATES: readonly SchemeTemplate[] = [
  DEFAULT_SCHEME,
  {
    key: 'rfm',
    name: 'RFM 客户分群',
    label: { en: 'RFM segments', 'zh-CN': 'RFM 客户分群' },
    description: {
      en: 'Seed 003: last value behaviour under 30 days ago and more than 5 active days in 30: high-value active. Idle over 90 days (or never) with ARR in the bottom two quintiles: low-value churn risk. Top-two-quintile ARR idle over 30 days: high-value, slipping. Everyone else: maintain.',
      'zh-CN':
        '种子 003：最近一次价值行为在 30 天内且近 30 天活跃超过 5 天为高价值活跃客户；超过 90 天（或从未）有价值行为且 ARR 处于后两个五分位为低价值流失风险客户；ARR 处于前两个五分位但超过 30 天无价值行为为高价值流失预警客户；其余为一般维持客户。',
    },
    rules: [
      {
        tier: 'high_value_active',
        when: {
          and: [
            { fact: 'recency_days', op: '<', value: 30 },
            { fact: 'frequency_30d', op: '>', value: 5 },
          ],
        },
      },
      {
        tier: 'low_value_churn_risk',
        when: {
          and: [
            {
              or: [
                { fact: 'recency_days', op: '>', value: 90 },
                { fact: 'recency_days', op: 'is empty' },
              ],
            },
            { fact: 'rfm_m', op: '<=', value: 2 },
          ],
        },
      },
      {
        tier: 'high_value_at_risk',
        when: {
          and: [
            {
              or: [
                { fact: 'recency_days', op: '>', value: 30 },
                { fact: 'recency_days', op: 'is empty' },
              ],
            },
            { fact: 'rfm_m', op: '>=', value: 4 },
          ],
        },
      },
    ],
    defaultTier: 'general',
  },
  {
    key: 'arr_bands',
    name: '按 ARR 分级',
    label: { en: 'By ARR', 'zh-CN': '按 ARR 分级' },
    description: {
      en: 'ARR in the base currency: <100k small, 100k-300k medium, 300k-1M large, >=1M very large.',
      'zh-CN':
        '按本位币 ARR：低于 10 万为小型，10 万至 30 万为中型，30 万至 100 万为大型，100 万及以上为超大型。',
    },
    ...bandRules('arr', ARR_BANDS),
  },
  {
    key: 'active_user_bands',
    name: '按使用人数分级',
    label: { en: 'By active users', 'zh-CN': '按使用人数分级' },
    description: {
      en: 'Distinct active users over 30 days: <30 small, 30-100 medium, 100-500 large, >=500 very large.',
      'zh-CN':
        '近 30 天去重活跃用户数：少于 30 为小型，30 至 100 为中型，100 至 500 为大型，500 及以上为超大型。',
    },
    ...bandRules('active_users_30d', ACTIVE_USER_BANDS),
  },
  {
    key: 'mixed',
    name: '区域 / 行业 / 规模',
    label: { en: 'Region, industry, size', 'zh-CN': '区域 / 行业 / 规模' },
    description: {
      en: 'Region, then industry, then ARR size (small < 300k <= large), e.g. 华东/制造/large. A missing region or industry reads 未知.',
      'zh-CN':
        '先按区域，再按行业，再按 ARR 规模（小型 < 30 万 ≤ 大型），例如 华东/制造/large。缺少区域或行业时记为“未知”。',
    },
    rules: [
      { composite: ['region', 'industry', { fact: 'arr', bands: [...MIXED_SIZE_BANDS] }], missing: '未知' },
    ],
    defaultTier: 'unassigned',
  },
];
