// The pure half of lifecycle stages: the defaults from seed 004 and first-match assignment.
import type { Condition } from '../facts/condition.ts';
import { type ConditionEnv, evaluateCondition } from '../facts/condition-eval.ts';

export type StageRule = { key: string; condition: Condition };

/** Stages are tried in position order; the first whose condition holds is the stage (none: null). */
export function assignStage(
  stages: readonly StageRule[],
  facts: Readonly<Record<string, unknown>>,
  env?: ConditionEnv,
): string | null {
  for (const stage of stages) if (evaluateCondition(stage.condition, facts, env)) return stage.key;
  return null;
}

export type StageTemplate = StageRule & {
  name: string;
  label: { en: string; 'zh-CN': string };
  /** Where the stage comes in an account's life: onboarding 1 ... churned 6. */
  journeyPosition: number;
};

/**
 * Seed 004's 养成体系 by time since go-live, plus churned. Order matters (first match wins): a churned
 * account is churned whatever its dates; the renewal window and a confirmed renewal outrank the
 * months since go-live, because a contract ending in 60 days is the priority ("重续缓用") however
 * new the account is.
 *
 * Boundaries (`months_since_go_live` counts whole months the way people do: 0 until the same
 * day-of-month comes round, so go-live 2024-01-31 is month 0 through 2024-02-29 and month 1 from
 * 2024-03-01; facts/build-facts.ts `monthsBetween`):
 * - onboarding (熟悉期): the first month after go-live, months_since_go_live < 1. Accounts not yet
 *   live (go-live in the future, negative months) are onboarding too: deployment is under way.
 * - adoption (使用期): "from the second month to the fifth", read as from the start of month 2 until
 *   month 5 begins: 1 <= months_since_go_live < 4.
 * - advanced (进阶期): "from the fifth month to the ninth": from the start of month 5,
 *   months_since_go_live >= 4. The seed shares month 5 between the two periods; it goes to
 *   advanced. There is no upper edge: after month 9 an account stays advanced until its renewal
 *   window opens.
 * - renewal (续约期): "within 90 days before the contract ends": 0 <= days_to_renewal <= 90, so the
 *   contract's last day (0) and exactly 90 days before it are in, 91 is not; and not yet confirmed.
 * - expansion (增值期): once renewal is confirmed (a later contract exists, or the one in force is
 *   marked renewed or expanded).
 * Accounts without a go-live date and outside the renewal window get no stage (null).
 */
export const DEFAULT_STAGES: readonly StageTemplate[] = [
  {
    key: 'churned',
    name: '已流失',
    label: { en: 'Churned', 'zh-CN': '已流失' },
    journeyPosition: 6,
    condition: { fact: 'is_churned', op: '=', value: true },
  },
  {
    key: 'renewal',
    name: '续约期',
    label: { en: 'Renewal', 'zh-CN': '续约期' },
    journeyPosition: 4,
    condition: {
      and: [
        { fact: 'days_to_renewal', op: 'between', value: [0, 90] },
        { fact: 'renewal_confirmed', op: '=', value: false },
      ],
    },
  },
  {
    key: 'expansion',
    name: '增值期',
    label: { en: 'Expansion', 'zh-CN': '增值期' },
    journeyPosition: 5,
    condition: { fact: 'renewal_confirmed', op: '=', value: true },
  },
  {
    key: 'onboarding',
    name: '熟悉期',
    label: { en: 'Onboarding', 'zh-CN': '熟悉期' },
    journeyPosition: 1,
    condition: { fact: 'months_since_go_live', op: '<', value: 1 },
  },
  {
    key: 'adoption',
    name: '使用期',
    label: { en: 'Adoption', 'zh-CN': '使用期' },
    journeyPosition: 2,
    condition: {
      and: [
        { fact: 'months_since_go_live', op: '>=', value: 1 },
        { fact: 'months_since_go_live', op: '<', value: 4 },
      ],
    },
  },
  {
    key: 'advanced',
    name: '进阶期',
    label: { en: 'Advanced', 'zh-CN': '进阶期' },
    journeyPosition: 3,
    condition: { fact: 'months_since_go_live', op: '>=', value: 4 },
  },
];

/** Display names of the default stage keys in both UI languages. */
export const STAGE_LABELS: Readonly<Record<string, { zh: string; en: string }>> = {
  churned: { zh: '已流失', en: 'Churned' },
  renewal: { zh: '续约期', en: 'Renewal' },
  expansion: { zh: '增值期', en: 'Expansion' },
  onboarding: { zh: '熟悉期', en: 'Onboarding' },
  adoption: { zh: '使用期', en: 'Adoption' },
  advanced: { zh: '进阶期', en: 'Advanced' },
};
