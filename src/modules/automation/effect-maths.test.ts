import { describe, expect, it } from 'vitest';
import { computeLift, MIN_CONTROL_ACCOUNTS, type Observation, stratumKey } from './effect-maths.ts';

/** A seeded normal-ish noise (sum of uniforms) so the tests are the same every run. */
function noise(seed: number) {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return (sd: number) => (u() + u() + u() + u() - 2) * sd * Math.sqrt(3);
}

const obs = (
  account: string,
  stratum: string,
  outcome: Observation['outcome'],
  change: number,
): Observation => ({ account, stratum, outcome, change });

describe('stratumKey', () => {
  it('separates runs, tiers, stages and score bands, and joins scores within one band', () => {
    const k = (run: string, tier: string | null, stage: string | null, score: number | null) =>
      stratumKey(run, tier, stage, score, 10);
    expect(k('r1', 'gold', 'adopt', 41)).toBe(k('r1', 'gold', 'adopt', 49.9));
    expect(k('r1', 'gold', 'adopt', 41)).not.toBe(k('r1', 'gold', 'adopt', 50));
    expect(k('r1', 'gold', 'adopt', 41)).not.toBe(k('r2', 'gold', 'adopt', 41));
    expect(k('r1', 'gold', 'adopt', 41)).not.toBe(k('r1', 'silver', 'adopt', 41));
    expect(k('r1', 'gold', 'adopt', 41)).not.toBe(k('r1', 'gold', 'renew', 41));
    expect(k('r1', null, null, null)).toBe(k('r1', null, null, null));
  });
});

describe('computeLift', () => {
  it('matches a hand-worked case: each acted account against its own stratum’s control mean', () => {
    // Stratum A: acted +10, +6 (mean 8); control +2, +4 (mean 3). Stratum B: acted -1; control -5.
    // Stratum C has no control and stratum D no acted account: neither counts.
    const list: Observation[] = [
      obs('a1', 'A', 'act', 10),
      obs('a2', 'A', 'act', 6),
      obs('c1', 'A', 'holdout', 2),
      obs('c2', 'A', 'cooldown', 4),
      obs('a3', 'B', 'act', -1),
      obs('c3', 'B', 'limit', -5),
      obs('a4', 'C', 'act', 50),
      obs('c4', 'D', 'holdout', -40),
    ];
    const r = computeLift(list);
    expect(r.n).toBe(4);
    expect(r.pairs).toBe(3);
    // acted = (10 + 6 - 1) / 3 = 5; control = (3 + 3 - 5) / 3 = 1/3; lift = 14/3.
    expect(r.acted).toBe(5);
    expect(r.control).toBe(0.33);
    expect(r.controlN).toBe(3);
    expect(r.controlAccounts).toBe(3);
    expect(r.reasons).toEqual({ holdout: 1, cooldown: 1, limit: 1 });
    // Three control accounts: far too few for a lift.
    expect(r.withheld).toBe('few_controls');
    expect(r.lift).toBeNull();
    expect(r.low).toBeNull();
  });

  it('says why it gives no lift: no control, too few control accounts, too few pairs', () => {
    expect(computeLift([obs('a', 'A', 'act', 1)]).withheld).toBe('no_control');
    expect(computeLift([]).withheld).toBe('no_control');
    const controls = (k: number, stratum = 'A') =>
      Array.from({ length: k }, (_, i) => obs(`c${stratum}${i}`, stratum, 'holdout', 0));
    const acted = (k: number) => Array.from({ length: k }, (_, i) => obs(`a${i}`, 'A', 'act', 1));
    expect(computeLift([...acted(10), ...controls(MIN_CONTROL_ACCOUNTS - 1)]).withheld).toBe('few_controls');
    expect(computeLift([...acted(4), ...controls(MIN_CONTROL_ACCOUNTS)]).withheld).toBe('few_pairs');
    const given = computeLift([...acted(5), ...controls(MIN_CONTROL_ACCOUNTS)]);
    expect(given.withheld).toBeNull();
    expect(given.lift).toBe(1);
  });

  it('counts a control account once however many runs it appears in', () => {
    const list = [
      obs('a1', 'A', 'act', 1),
      obs('a2', 'B', 'act', 1),
      obs('c1', 'A', 'cooldown', 0),
      obs('c1', 'B', 'cooldown', 0),
    ];
    const r = computeLift(list);
    expect(r.controlN).toBe(2);
    expect(r.controlAccounts).toBe(1);
  });

  it('finds a real effect with an interval around it and excluding 0 (a 50% hold-out experiment)', () => {
    const e = noise(7);
    const list: Observation[] = [];
    // 8 runs x 3 tiers, 10 acted and 10 held-out accounts each; acting adds 6 points, noise sd 5.
    for (let run = 0; run < 8; run++)
      for (let tier = 0; tier < 3; tier++) {
        const stratum = stratumKey(`r${run}`, `t${tier}`, 's', 40, 10);
        const drift = tier * 3 - 3;
        for (let i = 0; i < 10; i++) {
          list.push(obs(`a${run}-${tier}-${i}`, stratum, 'act', drift + 6 + e(5)));
          list.push(obs(`h${run}-${tier}-${i}`, stratum, 'holdout', drift + e(5)));
        }
      }
    const r = computeLift(list);
    expect(r.withheld).toBeNull();
    expect(r.lift!).toBeGreaterThan(5);
    expect(r.lift!).toBeLessThan(7);
    expect(r.low!).toBeGreaterThan(0);
    expect(r.low!).toBeLessThan(r.lift!);
    expect(r.high!).toBeGreaterThan(r.lift!);
    // About 2 x 1.96 x sqrt(25/240 + 25/240) = 2.5 points wide.
    expect(r.high! - r.low!).toBeGreaterThan(1.5);
    expect(r.high! - r.low!).toBeLessThan(4);
    expect(r.reasons).toEqual({ holdout: 240, cooldown: 0, limit: 0 });
  });

  it('gives no positive lift to a rule that picks sick accounts and does nothing (no selection bias)', () => {
    // Sick accounts recover by about +8 on their own (regression to the mean); the rule acts on
    // half of the eligible ones and its action does nothing. Churned sick accounts, never
    // eligible, keep falling (-10). They are in the same tier and score band.
    const e = noise(11);
    const eligible: Observation[] = [];
    const churned: number[] = [];
    for (let i = 0; i < 120; i++) {
      eligible.push(obs(`s${i}`, 'run1|t|s|3', i % 2 ? 'act' : 'holdout', 8 + e(4)));
      churned.push(-10 + e(4));
    }
    const fair = computeLift(eligible);
    expect(fair.withheld).toBeNull();
    expect(fair.low!).toBeLessThan(0);
    expect(fair.high!).toBeGreaterThan(0);
    expect(Math.abs(fair.lift!)).toBeLessThan(2);
    // The old comparison: every same-tier, same-band account the rule did not act on, churned
    // ones included. It credits the rule with about +9 points it did not earn.
    const acted = eligible.filter((o) => o.outcome === 'act').map((o) => o.change);
    const notActed = [...eligible.filter((o) => o.outcome !== 'act').map((o) => o.change), ...churned];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(acted) - mean(notActed)).toBeGreaterThan(8);
  });

  it('compares within strata: a tier that both gains more and is acted on more does not make a lift', () => {
    // Tier g gains +10 and 80% of it is acted on; tier b loses -10 and 20% is acted on. Pooled,
    // acted accounts would look +12 better; within tiers the action does nothing.
    const list: Observation[] = [];
    for (let i = 0; i < 100; i++) {
      list.push(obs(`g${i}`, 'g', i % 5 === 0 ? 'holdout' : 'act', 10));
      list.push(obs(`b${i}`, 'b', i % 5 === 0 ? 'act' : 'limit', -10));
    }
    const r = computeLift(list);
    expect(r.lift).toBe(0);
    expect(r.low).toBe(0);
    expect(r.high).toBe(0);
    expect(r.reasons).toEqual({ holdout: 20, cooldown: 0, limit: 80 });
  });
});
