// TreeSHAP (Lundberg, Erion & Lee 2018, algorithm 2): the exact Shapley values of one row for one
// tree under the "path-dependent" value function v(S) = E[f(x) | x_S], where a split on a column
// outside S sends the row both ways weighted by the children's training covers. Polynomial
// (O(leaves × depth²)) rather than the 2^d of enumerating subsets; `shapleyByEnumeration` is that
// enumeration, kept for the unit tests to check against. The values add up to the tree's output
// minus its expected value (the cover-weighted mean of its leaves).
import type { Forest, Tree } from './forest.ts';

/** How deep a tree goes (edges from the root to its deepest leaf), kept per tree. */
const DEPTHS = new WeakMap<Tree, number>();
function depthOf(tree: Tree): number {
  let depth = DEPTHS.get(tree);
  if (depth === undefined) {
    const down = (j: number): number =>
      tree.feature[j] < 0 ? 0 : 1 + Math.max(down(tree.left[j]), down(tree.right[j]));
    depth = down(0);
    DEPTHS.set(tree, depth);
  }
  return depth;
}

/** The expected output of the tree: its leaves' values weighted by cover. */
export function expectedValue(tree: Tree): number {
  let s = 0;
  for (let j = 0; j < tree.feature.length; j++) if (tree.feature[j] < 0) s += tree.value[j] * tree.cover[j];
  return s / tree.cover[0];
}

/**
 * Adds the row's Shapley values for `tree`, times `scale`, to phi (one entry per column). The
 * paths live in four preallocated arrays as in the reference implementation (element i of the path
 * at offset `at`: feature D, zero fraction Z, one fraction O, weight W), each level's path in its own
 * region after its parent's, so nothing is allocated per node or leaf.
 */
export function treeShap(tree: Tree, x: ArrayLike<number>, phi: Float64Array, scale = 1): void {
  const depth = depthOf(tree);
  const size = ((depth + 2) * (depth + 3)) / 2;
  const D = new Int32Array(size);
  const Z = new Float64Array(size);
  const O = new Float64Array(size);
  const W = new Float64Array(size);

  // Adds an element to the path of `l` elements at `at`.
  const extend = (at: number, l: number, pz: number, po: number, pi: number) => {
    D[at + l] = pi;
    Z[at + l] = pz;
    O[at + l] = po;
    W[at + l] = l === 0 ? 1 : 0;
    for (let i = l - 1; i >= 0; i--) {
      W[at + i + 1] += (po * W[at + i] * (i + 1)) / (l + 1);
      W[at + i] = (pz * W[at + i] * (l - i)) / (l + 1);
    }
  };
  // Removes element i from the path of l + 1 elements at `at`, undoing its extension.
  const unwind = (at: number, l: number, i: number) => {
    const o = O[at + i];
    const z = Z[at + i];
    let next = W[at + l];
    for (let j = l - 1; j >= 0; j--) {
      if (o !== 0) {
        const t = W[at + j];
        W[at + j] = (next * (l + 1)) / ((j + 1) * o);
        next = t - (W[at + j] * z * (l - j)) / (l + 1);
      } else {
        W[at + j] = (W[at + j] * (l + 1)) / (z * (l - j));
      }
    }
    for (let j = i; j < l; j++) {
      D[at + j] = D[at + j + 1];
      Z[at + j] = Z[at + j + 1];
      O[at + j] = O[at + j + 1];
    }
  };
  // The sum of the weights unwind(at, l, i) would leave, without changing the path.
  const unwoundSum = (at: number, l: number, i: number) => {
    const o = O[at + i];
    const z = Z[at + i];
    let next = W[at + l];
    let total = 0;
    for (let j = l - 1; j >= 0; j--) {
      if (o !== 0) {
        const w = (next * (l + 1)) / ((j + 1) * o);
        total += w;
        next = W[at + j] - (w * z * (l - j)) / (l + 1);
      } else {
        total += (W[at + j] * (l + 1)) / (z * (l - j));
      }
    }
    return total;
  };
  // Node j, its path copied from the parent's (`len` elements at `from`) into `at`, then extended.
  const recurse = (j: number, from: number, len: number, at: number, pz: number, po: number, pi: number) => {
    D.copyWithin(at, from, from + len);
    Z.copyWithin(at, from, from + len);
    O.copyWithin(at, from, from + len);
    W.copyWithin(at, from, from + len);
    extend(at, len, pz, po, pi);
    let l = len; // the path now has l + 1 elements
    const f = tree.feature[j];
    if (f < 0) {
      for (let i = 1; i <= l; i++)
        phi[D[at + i]] += scale * unwoundSum(at, l, i) * (O[at + i] - Z[at + i]) * tree.value[j];
      return;
    }
    const goesLeft = x[f] <= tree.threshold[j];
    const hot = goesLeft ? tree.left[j] : tree.right[j];
    const cold = goesLeft ? tree.right[j] : tree.left[j];
    let iz = 1;
    let io = 1;
    let k = 1;
    while (k <= l && D[at + k] !== f) k++;
    if (k <= l) {
      iz = Z[at + k];
      io = O[at + k];
      unwind(at, l, k);
      l--;
    }
    const cover = tree.cover[j];
    const child = at + len + 1;
    recurse(hot, at, l + 1, child, (iz * tree.cover[hot]) / cover, io, f);
    recurse(cold, at, l + 1, child, (iz * tree.cover[cold]) / cover, 0, f);
  };
  recurse(0, 0, 0, 0, 1, 1, -1);
}

/**
 * The forest's Shapley values of one row (the mean of its trees'), and its expected value: base +
 * Σ phi is the forest's score of the row, up to rounding.
 */
export function forestShap(
  forest: Forest,
  x: ArrayLike<number>,
  d: number,
): { base: number; phi: Float64Array } {
  const phi = new Float64Array(d);
  const scale = 1 / forest.trees.length;
  let base = 0;
  for (const t of forest.trees) {
    treeShap(t, x, phi, scale);
    base += expectedValue(t) * scale;
  }
  return { base, phi };
}

/** v(S): the tree's expected output knowing only the columns in S (the others follow the covers). */
export function conditionalExpectation(tree: Tree, x: ArrayLike<number>, known: ReadonlySet<number>): number {
  const g = (j: number): number => {
    const f = tree.feature[j];
    if (f < 0) return tree.value[j];
    if (known.has(f)) return g(x[f] <= tree.threshold[j] ? tree.left[j] : tree.right[j]);
    const l = tree.left[j];
    const r = tree.right[j];
    return (g(l) * tree.cover[l] + g(r) * tree.cover[r]) / tree.cover[j];
  };
  return g(0);
}

/** Shapley values by enumerating every subset of the d columns (2^d): for tests on small trees. */
export function shapleyByEnumeration(tree: Tree, x: ArrayLike<number>, d: number): Float64Array {
  const phi = new Float64Array(d);
  const fact = [1];
  for (let i = 1; i <= d; i++) fact.push(fact[i - 1] * i);
  for (let mask = 0; mask < 1 << d; mask++) {
    const s = new Set<number>();
    for (let j = 0; j < d; j++) if (mask & (1 << j)) s.add(j);
    const vs = conditionalExpectation(tree, x, s);
    const weight = (fact[s.size] * fact[d - s.size - 1]) / fact[d];
    for (let j = 0; j < d; j++) {
      if (s.has(j)) continue;
      const with_ = new Set(s);
      with_.add(j);
      phi[j] += weight * (conditionalExpectation(tree, x, with_) - vs);
    }
  }
  return phi;
}
