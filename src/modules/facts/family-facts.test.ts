import { describe, expect, it } from 'vitest';
import { familyClosure, rollUpFamilies } from './family-facts.ts';

describe('family roll-ups', () => {
  it('sums a parent and every descendant; worst and ARR-weighted health; renewals in 90 days', () => {
    const facts = new Map<string, Record<string, unknown>>([
      [
        'group',
        {
          parent_id: null,
          arr: 100,
          licensed_seats: 10,
          active_users_30d: 5,
          'health.score': 80,
          days_to_renewal: 200,
          'metrics.logins.total_30d': 3,
        },
      ],
      [
        'east',
        {
          parent_id: 'group',
          arr: 300,
          licensed_seats: 30,
          active_users_30d: 20,
          'health.score': 40,
          days_to_renewal: 60,
          'metrics.logins.total_30d': 7,
        },
      ],
      [
        'plant',
        {
          parent_id: 'east',
          arr: 0,
          licensed_seats: 5,
          active_users_30d: 1,
          'health.score': null,
          days_to_renewal: null,
          'metrics.logins.total_30d': 0,
        },
      ],
      ['solo', { parent_id: null, arr: 50, 'health.score': 90 }],
    ]);
    rollUpFamilies(facts, ['metrics.logins.total_30d']);
    const g = facts.get('group')!;
    expect(g['family.accounts']).toBe(3);
    expect(g['family.arr']).toBe(400);
    expect(g['family.licensed_seats']).toBe(45);
    expect(g['family.active_users_30d']).toBe(26);
    expect(g['family.health_worst']).toBe(40);
    expect(g['family.health_weighted']).toBeCloseTo((80 * 100 + 40 * 300) / 400);
    expect(g['family.renewals_90d']).toBe(1);
    expect(g['family.renewal_arr_90d']).toBe(300);
    expect(g['family.metrics.logins.total_30d']).toBe(10);
    expect(facts.get('east')!['family.arr']).toBe(300);
    expect(facts.get('plant')!['family.arr']).toBeNull();
    expect(facts.get('solo')!['family.accounts']).toBeNull();
  });

  it('finds every descendant and survives a cycle', () => {
    const links = new Map<string, string | null>([
      ['b', 'a'],
      ['c', 'b'],
      ['x', 'y'],
      ['y', 'x'],
    ]);
    expect(familyClosure(['a'], links).sort()).toEqual(['a', 'b', 'c']);
    expect(familyClosure(['x'], links).sort()).toEqual(['x', 'y']);
  });
});
