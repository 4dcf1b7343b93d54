import { describe, expect, it } from 'vitest';
import { type AssignAccount, type AssignCsm, planAssignment } from './assign.ts';

const acct = (id: string, over: Partial<AssignAccount> = {}): AssignAccount => ({
  id,
  ownerId: null,
  ownerActive: true,
  parentId: null,
  groupId: 'g1',
  cost: 0.1,
  ...over,
});
const csm = (userId: string, groupId = 'g1', capacity = 1): AssignCsm => ({ userId, groupId, capacity });

/** A seeded generator so the property checks below are reproducible. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('planAssignment', () => {
  it('places unowned accounts on the least loaded CSM of their group, largest first', () => {
    const plan = planAssignment(
      [
        acct('a1', { ownerId: 'u1', cost: 0.5 }),
        acct('a2', { cost: 0.3 }),
        acct('a3', { cost: 0.2 }),
        acct('a4', { cost: 0.2 }),
      ],
      [csm('u1'), csm('u2')],
      { mode: 'unowned', keepFamilies: false },
    );
    // a2 (0.3) -> u2 (0 < 0.5); a3 -> u2 (0.5 vs u1's 0.7 after); a4 -> u1 (0.7) or u2 (0.7): lower id wins.
    expect(plan.moves.map((m) => [m.accountId, m.to, m.reason])).toEqual([
      ['a2', 'u2', 'unowned'],
      ['a3', 'u2', 'unowned'],
      ['a4', 'u1', 'unowned'],
    ]);
    expect(plan.unplaced).toEqual([]);
  });

  it('never moves an account whose CSM is active in unowned mode, and never exceeds capacity', () => {
    const plan = planAssignment(
      [acct('a1', { ownerId: 'u1', cost: 0.9 }), acct('a2', { cost: 0.5 }), acct('a3', { cost: 0.4 })],
      [csm('u1'), csm('u2', 'g1', 0.5)],
      { mode: 'unowned', keepFamilies: false },
    );
    expect(plan.moves.map((m) => [m.accountId, m.to])).toEqual([['a2', 'u2']]);
    expect(plan.unplaced).toEqual([{ accountId: 'a3', ownerId: null, groupId: 'g1', reason: 'no_capacity' }]);
    for (const l of plan.loads) expect(l.loadAfter).toBeLessThanOrEqual(l.capacity + 1e-9);
  });

  it('treats a deactivated owner as no owner, and reports accounts no group takes', () => {
    const plan = planAssignment(
      [acct('a1', { ownerId: 'gone', ownerActive: false }), acct('a2', { groupId: null })],
      [csm('u1')],
      { mode: 'unowned', keepFamilies: false },
    );
    expect(plan.moves).toEqual([
      { accountId: 'a1', from: 'gone', to: 'u1', groupId: 'g1', reason: 'owner_inactive' },
    ]);
    expect(plan.unplaced).toEqual([{ accountId: 'a2', ownerId: null, groupId: null, reason: 'no_group' }]);
  });

  it('rebalances: moves accounts out of the wrong group and sheds the fewest accounts from an overloaded CSM', () => {
    const plan = planAssignment(
      [
        acct('a1', { ownerId: 'u1', cost: 0.5 }),
        acct('a2', { ownerId: 'u1', cost: 0.4 }),
        acct('a3', { ownerId: 'u1', cost: 0.3 }),
        acct('b1', { ownerId: 'u1', groupId: 'g2', cost: 0.1 }),
      ],
      [csm('u1'), csm('u2'), csm('u3', 'g2')],
      { mode: 'rebalance', keepFamilies: false },
    );
    // u1 carries 1.2 in g1 (b1 leaves for g2): one move of 0.3 (a3, the smallest that covers 0.2) fixes it.
    expect(plan.moves.map((m) => [m.accountId, m.from, m.to, m.reason])).toEqual([
      ['a3', 'u1', 'u2', 'over_capacity'],
      ['b1', 'u1', 'u3', 'out_of_scope'],
    ]);
  });

  it('keeps an account with its active owner when nobody else has room (never orphaned)', () => {
    const plan = planAssignment(
      [acct('a1', { ownerId: 'u1', cost: 0.8 }), acct('a2', { ownerId: 'u1', cost: 0.8 })],
      [csm('u1'), csm('u2', 'g1', 0.5)],
      { mode: 'rebalance', keepFamilies: false },
    );
    expect(plan.moves).toEqual([]);
    expect(plan.unplaced).toEqual([{ accountId: 'a2', ownerId: 'u1', groupId: 'g1', reason: 'no_capacity' }]);
  });

  it("keeps children with their parent's CSM when asked, and places a whole new family on one CSM", () => {
    const plan = planAssignment(
      [
        acct('p1', { ownerId: 'u2' }),
        acct('c1', { parentId: 'p1' }),
        acct('c2', { parentId: 'c1', groupId: 'g2' }),
        acct('p2', { cost: 0.2 }),
        acct('c3', { parentId: 'p2', cost: 0.2 }),
      ],
      [csm('u1'), csm('u2'), csm('u3', 'g2')],
      { mode: 'unowned', keepFamilies: true },
    );
    expect(plan.moves.map((m) => [m.accountId, m.to])).toEqual([
      ['c1', 'u2'],
      ['c2', 'u2'],
      ['c3', 'u1'],
      ['p2', 'u1'],
    ]);
  });

  it('is deterministic, respects capacity and moves nothing on a second run (property check)', () => {
    const rnd = random(42);
    const csms = Array.from({ length: 12 }, (_, i) =>
      csm(`u${String(i).padStart(2, '0')}`, `g${i % 3}`, 0.5 + rnd()),
    );
    const accounts = Array.from({ length: 600 }, (_, i) => {
      const owner = rnd() < 0.6 ? csms[Math.floor(rnd() * csms.length)]!.userId : null;
      return acct(`a${String(i).padStart(4, '0')}`, {
        ownerId: owner,
        ownerActive: rnd() > 0.05,
        groupId: `g${Math.floor(rnd() * 3)}`,
        cost: [1 / 80, 1 / 40, 1 / 20, 1 / 5][Math.floor(rnd() * 4)]!,
        parentId: i > 10 && rnd() < 0.05 ? `a${String(Math.floor(rnd() * i)).padStart(4, '0')}` : null,
      });
    });
    for (const mode of ['unowned', 'rebalance'] as const) {
      for (const keepFamilies of [false, true]) {
        const options = { mode, keepFamilies };
        const plan = planAssignment(accounts, csms, options);
        expect(planAssignment([...accounts].reverse(), [...csms].reverse(), options)).toEqual(plan);
        // Moves never push anyone over capacity; only loads that were already over may stay over.
        for (const l of plan.loads) {
          if (l.loadAfter > l.capacity + 1e-9) expect(l.loadAfter).toBeLessThanOrEqual(l.loadBefore + 1e-9);
        }
        const moved = new Map(plan.moves.map((m) => [m.accountId, m.to]));
        // Every account without an active owner is either placed or reported.
        const reported = new Set(plan.unplaced.map((u) => u.accountId));
        for (const a of accounts) {
          if (a.ownerId === null || !a.ownerActive) expect(moved.has(a.id) || reported.has(a.id)).toBe(true);
        }
        const after = accounts.map((a) =>
          moved.has(a.id) ? { ...a, ownerId: moved.get(a.id)!, ownerActive: true } : a,
        );
        expect(planAssignment(after, csms, options).moves).toEqual([]);
      }
    }
  });
});

describe('planAssignment with a family whose CSM is full', () => {
  it('leaves a child with its in-group CSM instead of moving it back and forth', () => {
    const accounts = [
      acct('p1', { ownerId: 'u1', cost: 1 }),
      acct('c1', { ownerId: 'u2', parentId: 'p1', cost: 0.1 }),
    ];
    const csms = [csm('u1'), csm('u2'), csm('u3')];
    const plan = planAssignment(accounts, csms, { mode: 'rebalance', keepFamilies: true });
    expect(plan.moves).toEqual([]);
  });
});

describe('planAssignment for a CSM who leaves', () => {
  it('moves only the leaving CSM’s accounts, counting everyone else’s load', () => {
    const plan = planAssignment(
      [
        acct('a1', { ownerId: 'gone', ownerActive: false, cost: 0.4 }),
        acct('a2', { ownerId: 'gone', ownerActive: false, cost: 0.4 }),
        acct('a3', { ownerId: 'u1', cost: 0.5 }),
        acct('a4', { cost: 0.1 }),
      ],
      [csm('u1'), csm('u2', 'g1', 0.5)],
      { mode: 'unowned', keepFamilies: false, only: new Set(['a1', 'a2']) },
    );
    expect(plan.moves.map((m) => [m.accountId, m.to, m.reason])).toEqual([
      ['a1', 'u2', 'owner_inactive'],
      ['a2', 'u1', 'owner_inactive'],
    ]);
    expect(plan.unplaced).toEqual([]);
  });
});
