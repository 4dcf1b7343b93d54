// TreeSHAP (Lundberg, Erion & Lee 2018, algorithm 2): the exact Shapley values of one row for one
// tree under the "path-dependent" value function v(S) = E[f(x) | x_S], where a split on a column
// outside S sends the row both ways weighted by the children's training covers. Polynomial
// (O(leaves × depth²)) rather than the 2^d of enumerating subsets; `shapleyByEnumeration` is that
// enumeration, kept for the unit tests to check against. The values add up to the tree's output
// minus its expected value (the cover-weighted mean of its leaves).
import type { Forest, Tree } from './forest.ts';

type PathElement = { d: number; z: number; o: number; w: number };

function extend(path: PathElement[], pz: number, po: number, pi: number): PathElement[] {
  const m = path.map((e) => ({ ...e }));
  const l = m.length;
  m.push({ d: pi, z: pz, o: po, w: l === 0 ? 1 : 0 });
  for (let i = l - 1; i >= 0; i--) {
    m[i + 1].w += (po * m[i].w * (i + 1)) / (l + 1);
    m[i].w = (pz * m[i].w * (l - i)) / (l + 1);
  }
  return m;
}

function unwind(path: PathElement[], i: number): PathElement[] {
  const l = path.length - 1;
  const { o, z } = path[i];
  const m = path.map((e) => ({ ...e }));
  let next = m[l].w;
  for (let j = l - 1; j >= 0; j--) {
    if (o !== 0) {
      const t = m[j].w;
      m[j].w = (next * (l + 1)) / ((j + 1) * o);
      next = t - (m[j].w * z * (l - j)) / (l + 1);
    } else {
      m[j].w = (m[j].w * (l + 1)) / (z * (l - j));
    }
  }
  for (let j = i; j < l; j++) {
    m[j].d = m[j + 1].d;
    m[j].z = m[j + 1].z;
    m[j].o = m[j + 1].o;
  }
  m.pop();
  return m;
}

/** The expected output of the tree: its leaves' values weighted by cover. */
export function expectedValue(tree: Tree): number {
  let s = 0;
  for (let j = 0; j < tree.feature.length; j++) if (tree.feature[j] < 0) s += tree.value[j] * tree.cover[j];
  return s / tree.cover[0];
}

/** Adds the row's Shapley values for `tree`, times `scale`, to phi (one entry per column). */
export function treeShap(tree: Tree, x: ArrayLike<number>, phi: Float64Array, scale = 1): void {
  const recurse = (j: number, path: PathElement[], pz: number, po: number, pi: number) => {
    const m = extend(path, pz, po, pi);
    const f = tree.feature[j];
    if (f < 0) {
      for (let i = 1; i < m.length; i++) {
        const u = unwind(m, i);
        let w = 0;
        for (const e of u) w += e.w;
        phi[m[i].d] += scale * w * (m[i].o - m[i].z) * tree.value[j];
      }
      return;
    }
    const goesLeft = x[f] <= tree.threshold[j];
    const hot = goesLeft ? tree.left[j] : tree.right[j];
    const cold = goesLeft ? tree.right[j] : tree.left[j];
    let iz = 1;
    let io = 1;
    let rest = m;
    const k = m.findIndex((e, at) => at > 0 && e.d === f);
    if (k > 0) {
      iz = m[k].z;
      io = m[k].o;
      rest = unwind(m, k);
    }
    const cover = tree.cover[j];
    recurse(hot, rest, (iz * tree.cover[hot]) / cover, io, f);
    recurse(cold, rest, (iz * tree.cover[cold]) / cover, 0, f);
  };
  recurse(0, [], 1, 1, -1);
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
