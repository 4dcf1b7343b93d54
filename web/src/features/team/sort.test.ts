import { describe, expect, it } from 'vitest';
import { busiest } from './sort.ts';

describe('the load chart’s busiest CSMs', () => {
  it('keeps the n with the most capacity used, highest first, by load where no capacity is set', () => {
    const rows = [
      { name: 'a', capacityUsed: 0.5, load: 10 },
      { name: 'b', capacityUsed: null, load: 1.2 },
      { name: 'c', capacityUsed: 0.95, load: 30 },
      { name: 'd', capacityUsed: 0.1, load: 2 },
    ];
    expect(busiest(rows, 2).map((r) => r.name)).toEqual(['b', 'c']);
    expect(busiest(rows, 10)).toHaveLength(4);
    expect(rows.map((r) => r.name)).toEqual(['a', 'b', 'c', 'd']);
  });
});
