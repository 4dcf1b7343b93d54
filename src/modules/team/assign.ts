// The assignment algorithm: pure, deterministic, unit-tested in assign.test.ts; the verbs in
// assignment.ts load its input and apply its moves.
//
// An account belongs to the first group whose scope matches it. Inside the group, accounts stay
// with their current CSM wherever that is allowed (fewest moves); the rest are placed largest
// first on the member with the lowest share of capacity used who still has room (longest
// processing time first, the classic greedy for balanced loads). Capacity is never exceeded by a
// move: what does not fit is reported, and an account that has an active owner keeps them.

export type AssignAccount = {
  id: string;
  ownerId: string | null;
  /** False when the owner is deactivated: the account counts as unowned. */
  ownerActive: boolean;
  parentId: string | null;
  /** The group whose scope matches, or null when none does. */
  groupId: string | null;
  /** Share of one CSM the account takes (see capacity.ts accountCost). */
  cost: number;
};

export type AssignCsm = { userId: string; groupId: string; capacity: number };

export type AssignOptions = {
  /** `unowned`: place accounts without an (active) owner only. `rebalance`: also move accounts
   *  whose CSM is not in their group, and shed load from CSMs over capacity. */
  mode: 'unowned' | 'rebalance';
  /** Keep a parent account and its children with one CSM (the family follows the root's group). */
  keepFamilies: boolean;
  /** Move only these accounts (a CSM leaving); the others keep their owner and just count. */
  only?: ReadonlySet<string>;
};

export const MOVE_REASONS = ['unowned', 'owner_inactive', 'out_of_scope', 'over_capacity', 'family'] as const;
export type MoveReason = (typeof MOVE_REASONS)[number];
export type Move = {
  accountId: string;
  from: string | null;
  to: string;
  groupId: string;
  reason: MoveReason;
};

export const UNPLACED_REASONS = ['no_group', 'no_members', 'no_capacity'] as const;
export type UnplacedReason = (typeof UNPLACED_REASONS)[number];
export type Unplaced = {
  accountId: string;
  /** The owner it keeps (null: it stays unowned). */
  ownerId: string | null;
  groupId: string | null;
  reason: UnplacedReason;
};

export type CsmLoad = {
  userId: string;
  groupId: string;
  capacity: number;
  loadBefore: number;
  loadAfter: number;
  accountsBefore: number;
  accountsAfter: number;
};

export type AssignmentPlan = { moves: Move[]; unplaced: Unplaced[]; loads: CsmLoad[] };

type Unit = {
  key: string;
  groupId: string | null;
  members: AssignAccount[];
  cost: number;
  /** The CSM the unit should stay with, if any. */
  anchor: string | null;
  /** Why the unit must move when it has no anchor. */
  reason: MoveReason;
};

const EPS = 1e-9;

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The top-most ancestor present in the input (cycles and missing parents stop the walk). */
function rootsOf(accounts: ReadonlyMap<string, AssignAccount>): Map<string, string> {
  const roots = new Map<string, string>();
  for (const a of accounts.values()) {
    const path: string[] = [];
    let cursor: AssignAccount | undefined = a;
    const seen = new Set<string>();
    let root = a.id;
    while (cursor && !seen.has(cursor.id)) {
      const known = roots.get(cursor.id);
      if (known) {
        root = known;
        break;
      }
      seen.add(cursor.id);
      path.push(cursor.id);
      root = cursor.id;
      cursor = cursor.parentId ? accounts.get(cursor.parentId) : undefined;
    }
    for (const id of path) roots.set(id, root);
  }
  return roots;
}

/**
 * One pass can leave work a second pass would do: a family's CSM may have room only once
 * accounts that were out of scope have left them. So passes repeat on their own result until
 * nothing moves (at most five), and the plan is the composition: each account's move from its
 * owner before the first pass to its owner after the last. Applying a plan and planning again
 * therefore finds nothing to do.
 */
export function planAssignment(
  input: readonly AssignAccount[],
  csmList: readonly AssignCsm[],
  options: AssignOptions,
): AssignmentPlan {
  const first = planOnce(input, csmList, options);
  if (!first.moves.length) return first;
  const original = new Map(input.map((a) => [a.id, a]));
  const final = new Map<string, Move>(first.moves.map((m) => [m.accountId, m]));
  let current = input.map((a) =>
    final.has(a.id) ? { ...a, ownerId: final.get(a.id)!.to, ownerActive: true } : a,
  );
  let last = first;
  for (let pass = 1; pass < 5; pass++) {
    const next = planOnce(current, csmList, options);
    last = next;
    if (!next.moves.length) break;
    const moved = new Map(next.moves.map((m) => [m.accountId, m]));
    for (const m of next.moves) {
      const before = final.get(m.accountId);
      final.set(m.accountId, {
        ...m,
        from: original.get(m.accountId)!.ownerId,
        reason: before?.reason ?? m.reason,
      });
    }
    current = current.map((a) =>
      moved.has(a.id) ? { ...a, ownerId: moved.get(a.id)!.to, ownerActive: true } : a,
    );
  }
  const moves = [...final.values()]
    .filter((m) => {
      const a = original.get(m.accountId)!;
      return !(a.ownerActive && a.ownerId === m.to);
    })
    .sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  const firstLoads = new Map(first.loads.map((l) => [l.userId, l]));
  return {
    moves,
    unplaced: last.unplaced,
    loads: last.loads.map((l) => ({
      ...l,
      loadBefore: firstLoads.get(l.userId)?.loadBefore ?? l.loadBefore,
      accountsBefore: firstLoads.get(l.userId)?.accountsBefore ?? l.accountsBefore,
    })),
  };
}

function planOnce(
  input: readonly AssignAccount[],
  csmList: readonly AssignCsm[],
  options: AssignOptions,
): AssignmentPlan {
  const accounts = [...input].sort(byId);
  const csms = new Map([...csmList].sort((a, b) => (a.userId < b.userId ? -1 : 1)).map((c) => [c.userId, c]));
  const membersOf = new Map<string, AssignCsm[]>();
  for (const c of csms.values()) pushTo(membersOf, c.groupId, c);

  const load = new Map<string, number>();
  const count = new Map<string, number>();
  const before = new Map<string, { load: number; accounts: number }>();
  const owned = (a: AssignAccount) => (a.ownerId !== null && a.ownerActive ? a.ownerId : null);
  for (const a of accounts) {
    const o = owned(a);
    if (o === null || !csms.has(o)) continue;
    load.set(o, (load.get(o) ?? 0) + a.cost);
    count.set(o, (count.get(o) ?? 0) + 1);
  }
  for (const id of csms.keys()) before.set(id, { load: load.get(id) ?? 0, accounts: count.get(id) ?? 0 });

  // Units: single accounts, or whole families following their root's group.
  const byAccount = new Map(accounts.map((a) => [a.id, a]));
  const unitOf = new Map<string, AssignAccount[]>();
  const roots = options.keepFamilies ? rootsOf(byAccount) : undefined;
  for (const a of accounts) {
    const key = roots?.get(a.id) ?? a.id;
    pushTo(unitOf, key, a);
  }

  const moves: Move[] = [];
  const unplaced: Unplaced[] = [];
  const toPlace: Unit[] = [];
  const move = (a: AssignAccount, to: string, groupId: string, reason: MoveReason) => {
    const from = owned(a);
    if (from === to) return;
    if (from !== null && csms.has(from)) {
      load.set(from, (load.get(from) ?? 0) - a.cost);
      count.set(from, (count.get(from) ?? 0) - 1);
    }
    load.set(to, (load.get(to) ?? 0) + a.cost);
    count.set(to, (count.get(to) ?? 0) + 1);
    moves.push({ accountId: a.id, from: a.ownerId, to, groupId, reason });
  };
  const reasonFor = (a: AssignAccount): MoveReason =>
    a.ownerId === null ? 'unowned' : !a.ownerActive ? 'owner_inactive' : 'out_of_scope';

  for (const [key, members] of unitOf) {
    const root = byAccount.get(key) ?? members[0]!;
    const groupId = root.groupId;
    const inGroup = (userId: string | null) => userId !== null && csms.get(userId)?.groupId === groupId;
    // Who keeps the unit: the root's owner, else the owner of most members (ties: lowest id).
    const allowed = (a: AssignAccount) => {
      const o = owned(a);
      if (o === null) return null;
      return options.mode === 'unowned' || inGroup(o) ? o : null;
    };
    let anchor = allowed(root);
    if (anchor === null) {
      const votes = new Map<string, number>();
      for (const m of members) {
        const o = allowed(m);
        if (o !== null) votes.set(o, (votes.get(o) ?? 0) + 1);
      }
      anchor = [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id)[0] ?? null;
    }
    const misplaced = (m: AssignAccount) =>
      options.mode === 'unowned'
        ? owned(m) === null
        : owned(m) === null || (options.keepFamilies ? owned(m) !== anchor : allowed(m) === null);
    const needs = members.filter(
      (m) => (options.only === undefined || options.only.has(m.id)) && misplaced(m),
    );
    if (needs.length === 0) continue;
    if (groupId === null) {
      for (const m of needs)
        unplaced.push({ accountId: m.id, ownerId: owned(m), groupId: null, reason: 'no_group' });
      continue;
    }
    if (!membersOf.get(groupId)?.length && anchor === null) {
      for (const m of needs)
        unplaced.push({ accountId: m.id, ownerId: owned(m), groupId, reason: 'no_members' });
      continue;
    }
    if (anchor !== null && options.keepFamilies) {
      // Members join the family's CSM, if that CSM has room for them.
      const extra = needs.reduce((s, m) => s + m.cost, 0);
      const cap = csms.get(anchor);
      if (!cap || (load.get(anchor) ?? 0) + extra <= cap.capacity + EPS) {
        for (const m of needs)
          move(m, anchor, groupId, owned(m) === null || !m.ownerActive ? reasonFor(m) : 'family');
        continue;
      }
    }
    // Without a family anchor each member needing a CSM is placed on its own (or the family as one).
    if (options.keepFamilies && anchor === null) {
      toPlace.push({
        key,
        groupId,
        members: needs,
        cost: needs.reduce((s, m) => s + m.cost, 0),
        anchor: null,
        reason: reasonFor(root),
      });
    } else {
      // The family's CSM has no room: members whose CSM already serves the family's group stay
      // (the family stays split rather than moving back and forth); the others are placed alone.
      for (const m of needs) {
        if (options.mode === 'rebalance' && allowed(m) !== null) continue;
        toPlace.push({ key: m.id, groupId, members: [m], cost: m.cost, anchor: null, reason: reasonFor(m) });
      }
    }
  }

  if (options.mode === 'rebalance') {
    // Shed load from CSMs over capacity: one account that covers the excess if there is one
    // (a single move), else the biggest, until the CSM fits.
    const leaving = new Set(toPlace.flatMap((u) => u.members.map((m) => m.id)));
    const leavingCost = new Map<string, number>();
    for (const u of toPlace) {
      for (const m of u.members) {
        const o = owned(m);
        if (o !== null) leavingCost.set(o, (leavingCost.get(o) ?? 0) + m.cost);
      }
    }
    const ownedBy = new Map<string, AssignAccount[]>();
    for (const a of accounts) {
      const o = owned(a);
      if (o !== null && !leaving.has(a.id)) pushTo(ownedBy, o, a);
    }
    for (const c of csms.values()) {
      // Families are never split to shed load: only accounts that form a unit alone are shed.
      const mine = (ownedBy.get(c.userId) ?? []).filter(
        (a) => a.groupId === c.groupId && (unitOf.get(roots?.get(a.id) ?? a.id)?.length ?? 1) === 1,
      );
      // Accounts already due to leave (out of scope) are expected to go; shed only the rest.
      let excess = (load.get(c.userId) ?? 0) - (leavingCost.get(c.userId) ?? 0) - c.capacity;
      const pool = [...mine].sort((a, b) => b.cost - a.cost || byId(a, b));
      while (excess > EPS && pool.length) {
        const fits = [...pool].reverse().find((a) => a.cost >= excess - EPS);
        const pick = fits ?? pool[0]!;
        pool.splice(pool.indexOf(pick), 1);
        toPlace.push({
          key: pick.id,
          groupId: c.groupId,
          members: [pick],
          cost: pick.cost,
          anchor: c.userId,
          reason: 'over_capacity',
        });
        excess -= pick.cost;
      }
    }
  }

  // Shed accounts first: one that finds no home goes back to its CSM before anyone else is placed,
  // so no move can land on a CSM whose shedding failed. Then largest first.
  const shed = (u: Unit) => (u.reason === 'over_capacity' ? 0 : 1);
  toPlace.sort(
    (a, b) => shed(a) - shed(b) || b.cost - a.cost || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  for (const u of toPlace) {
    const group = membersOf.get(u.groupId!) ?? [];
    const candidates = group.filter((c) => c.userId !== u.anchor);
    let best: AssignCsm | undefined;
    let bestRatio = Number.POSITIVE_INFINITY;
    for (const c of candidates) {
      const after = (load.get(c.userId) ?? 0) + u.cost;
      if (after > c.capacity + EPS) continue;
      const ratio = after / c.capacity;
      if (ratio < bestRatio - EPS) {
        best = c;
        bestRatio = ratio;
      }
    }
    if (best) {
      for (const m of u.members)
        move(m, best.userId, u.groupId!, u.reason === 'over_capacity' ? 'over_capacity' : reasonFor(m));
      continue;
    }
    // Nowhere to go: an account with an active owner stays with them (never orphaned). Loads
    // change only when a move is made, so nobody was given room this account still takes.
    for (const m of u.members) {
      const o = owned(m);
      const reason = group.length === 0 ? 'no_members' : 'no_capacity';
      unplaced.push({ accountId: m.id, ownerId: o, groupId: u.groupId, reason });
    }
  }

  moves.sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  unplaced.sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  const loads = [...csms.values()].map(
    (c): CsmLoad => ({
      userId: c.userId,
      groupId: c.groupId,
      capacity: c.capacity,
      loadBefore: before.get(c.userId)!.load,
      loadAfter: load.get(c.userId) ?? 0,
      accountsBefore: before.get(c.userId)!.accounts,
      accountsAfter: count.get(c.userId) ?? 0,
    }),
  );
  return { moves, unplaced, loads };
}
