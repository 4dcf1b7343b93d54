// Cross-validation folds grouped by account (no account has samples on both sides of a fold) and,
// when samples carry a time, ordered in time: accounts are ordered by their first sample, cut into
// k + 1 consecutive blocks, and fold i tests block i on a model trained only on the earlier blocks'
// samples dated before the test block starts (forward chaining). Without times it is a seeded
// shuffled grouped k-fold.
import { seededRandom } from './metrics.ts';

export type Fold = { train: number[]; test: number[] };

export function groupedFolds(
  groups: readonly string[],
  times: readonly (number | null)[] | null,
  k: number,
  seed = 1,
): Fold[] {
  if (k < 2) throw new Error('at least 2 folds');
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const list = byGroup.get(g);
    if (list) list.push(i);
    else byGroup.set(g, [i]);
  });
  const random = seededRandom(seed);
  const keys = [...byGroup.keys()];
  // Fisher-Yates first, so equal times (and the untimed case) fall in a seeded random order.
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  const timed = times?.some((t) => t !== null) ?? false;
  const first = new Map<string, number>();
  if (timed) {
    for (const g of keys) {
      let m = Number.POSITIVE_INFINITY;
      for (const i of byGroup.get(g)!) m = Math.min(m, times![i] ?? Number.POSITIVE_INFINITY);
      first.set(g, m);
    }
    keys.sort((a, b) => first.get(a)! - first.get(b)!); // stable: ties keep the shuffled order
  }
  const blocks = timed ? k + 1 : k;
  const total = groups.length;
  const blockOf = new Map<string, number>();
  let cumulative = 0;
  for (const g of keys) {
    const size = byGroup.get(g)!.length;
    // A group goes to the block its middle sample falls in, so blocks hold about equal samples.
    const b = Math.min(blocks - 1, Math.floor(((cumulative + size / 2) / total) * blocks));
    blockOf.set(g, b);
    cumulative += size;
  }
  const folds: Fold[] = [];
  for (let b = timed ? 1 : 0; b < blocks; b++) {
    const test: number[] = [];
    for (const [g, idx] of byGroup) if (blockOf.get(g) === b) test.push(...idx);
    if (test.length === 0) continue;
    const train: number[] = [];
    if (timed) {
      let start = Number.POSITIVE_INFINITY;
      for (const i of test) start = Math.min(start, times![i] ?? Number.POSITIVE_INFINITY);
      for (const [g, idx] of byGroup) {
        if (blockOf.get(g)! >= b) continue;
        for (const i of idx) if ((times![i] ?? Number.POSITIVE_INFINITY) < start) train.push(i);
      }
    } else {
      for (const [g, idx] of byGroup) if (blockOf.get(g) !== b) train.push(...idx);
    }
    test.sort((a, c) => a - c);
    train.sort((a, c) => a - c);
    folds.push({ train, test });
  }
  return folds;
}
