import { describe, expect, it } from 'vitest';
import { daysBetween } from '../../time.ts';
import { monthsBetween } from '../facts/build-facts.ts';
import { BASE_FACTS } from '../facts/catalogue.ts';
import { checkCondition } from '../facts/condition-check.ts';
import { assignStage, DEFAULT_STAGES, type StageRule } from './stages.ts';

type Account = { goLive?: string; renewal?: string; confirmed?: boolean; churned?: boolean };

/** The facts build-facts.ts would give an account on `day`, for the ones stages read. */
function factsOn(day: string, a: Account): Record<string, unknown> {
  return {
    months_since_go_live: a.goLive ? monthsBetween(a.goLive, day) : null,
    days_to_renewal: a.renewal ? daysBetween(day, a.renewal) : null,
    renewal_confirmed: a.confirmed ?? false,
    is_churned: a.churned ?? false,
  };
}
const stageOn = (day: string, a: Account) => assignStage(DEFAULT_STAGES, factsOn(day, a));

describe('default lifecycle stages (seed 004)', () => {
  it('compile against the fact catalogue, churned and renewal first', () => {
    const catalogue = new Map(BASE_FACTS.map((f) => [f.key, f]));
    for (const s of DEFAULT_STAGES) expect(() => checkCondition(s.condition, catalogue), s.key).not.toThrow();
    expect(DEFAULT_STAGES.map((s) => s.key)).toEqual([
      'churned',
      'renewal',
      'expansion',
      'onboarding',
      'adoption',
      'advanced',
    ]);
  });

  it('keeps an account that went live on 31 January in onboarding through 29 February of a leap year', () => {
    const a = { goLive: '2024-01-31' };
    expect(stageOn('2024-01-31', a)).toBe('onboarding');
    expect(stageOn('2024-02-29', a)).toBe('onboarding');
    expect(stageOn('2024-03-01', a)).toBe('adoption');
  });

  it('moves the same account to adoption on 1 March after a 28-day February', () => {
    const a = { goLive: '2023-01-31' };
    expect(stageOn('2023-02-28', a)).toBe('onboarding');
    expect(stageOn('2023-03-01', a)).toBe('adoption');
  });

  it('starts adoption on the same day of the next month and advanced four whole months after go-live', () => {
    const a = { goLive: '2024-03-15' };
    expect(stageOn('2024-04-14', a)).toBe('onboarding');
    expect(stageOn('2024-04-15', a)).toBe('adoption');
    expect(stageOn('2024-07-14', a)).toBe('adoption');
    expect(stageOn('2024-07-15', a)).toBe('advanced');
    // No upper edge: month 10 and later stay advanced until the renewal window opens.
    expect(stageOn('2025-01-20', a)).toBe('advanced');
  });

  it('opens the renewal window exactly 90 days before the contract ends, through its last day', () => {
    const a = { goLive: '2024-01-01', renewal: '2024-12-31' };
    expect(daysBetween('2024-10-01', '2024-12-31')).toBe(91);
    expect(stageOn('2024-10-01', a)).toBe('advanced');
    expect(stageOn('2024-10-02', a)).toBe('renewal');
    expect(stageOn('2024-12-31', a)).toBe('renewal');
  });

  it('puts a confirmed renewal into expansion, even inside the renewal window', () => {
    expect(stageOn('2024-12-01', { goLive: '2024-01-01', renewal: '2024-12-31', confirmed: true })).toBe(
      'expansion',
    );
  });

  it('lets renewal outrank the months since go-live for a new account with a short contract', () => {
    expect(stageOn('2024-01-10', { goLive: '2024-01-01', renewal: '2024-03-01' })).toBe('renewal');
  });

  it('calls a churned account churned whatever its dates', () => {
    expect(
      stageOn('2024-12-01', { goLive: '2024-11-20', renewal: '2024-12-31', confirmed: true, churned: true }),
    ).toBe('churned');
  });

  it('counts accounts not yet live as onboarding and gives no stage without a go-live date', () => {
    expect(stageOn('2024-01-01', { goLive: '2024-06-01' })).toBe('onboarding');
    expect(stageOn('2024-01-01', {})).toBeNull();
  });
});

describe('assignStage', () => {
  it('takes the first stage in the given order whose condition holds', () => {
    const stages: StageRule[] = [
      { key: 'watch', condition: { fact: 'health.status', op: '=', value: 'danger' } },
      { key: 'big', condition: { fact: 'arr', op: '>=', value: 100 } },
    ];
    expect(assignStage(stages, { 'health.status': 'danger', arr: 500 })).toBe('watch');
    expect(assignStage(stages, { arr: 500 })).toBe('big');
    expect(assignStage([...stages].reverse(), { 'health.status': 'danger', arr: 500 })).toBe('big');
    expect(assignStage(stages, {})).toBeNull();
    expect(assignStage([], { arr: 1 })).toBeNull();
  });
});
