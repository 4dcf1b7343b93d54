import { describe, expect, it } from 'vitest';
import {
  csat,
  isThrottled,
  nextAskAt,
  nps,
  npsClass,
  periodsBetween,
  summarize,
  trend,
} from './survey-maths.ts';

describe('NPS maths', () => {
  it('classes 9-10 as promoters, 7-8 passives and 0-6 detractors', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsClass)).toEqual([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
  });

  it('is % promoters minus % detractors, worked by hand', () => {
    // 10 answers: 5 promoters, 3 passives, 2 detractors -> 50% - 20% = 30.
    expect(nps([10, 9, 9, 10, 9, 8, 7, 7, 6, 0])).toBe(30);
    // 3 answers: 2 promoters, 1 detractor -> 66.7% - 33.3% = 33.3.
    expect(nps([10, 9, 6])).toBe(33.3);
    expect(nps([0, 1, 2])).toBe(-100);
    expect(nps([10])).toBe(100);
    expect(nps([7, 8])).toBe(0);
    expect(nps([])).toBeNull();
  });

  it('gives CSAT as the share of 4 and 5 answers', () => {
    expect(csat([5, 4, 3, 2])).toBe(50);
    expect(csat([1, 2, 3])).toBe(0);
    expect(csat([])).toBeNull();
    expect(summarize('csat', [5, 4, 3])).toMatchObject({ responses: 3, satisfied: 2, score: 66.7, mean: 4 });
  });

  it('lists every period of a trend, empty ones with a null score', () => {
    expect(periodsBetween('2026-01-15', '2026-04-02', 'month')).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
    ]);
    expect(periodsBetween('2025-11-30', '2026-05-01', 'quarter')).toEqual(['2025-Q4', '2026-Q1', '2026-Q2']);
    const t = trend(
      'nps',
      [
        { day: '2026-01-03', score: 10 },
        { day: '2026-01-20', score: 0 },
        { day: '2026-03-01', score: 9 },
        { day: '2025-12-31', score: 0 },
      ],
      '2026-01-01',
      '2026-03-31',
      'month',
    );
    expect(t.map((p) => [p.period, p.score, p.responses])).toEqual([
      ['2026-01', 0, 2],
      ['2026-02', null, 0],
      ['2026-03', 100, 1],
    ]);
  });
});

describe('throttling', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  it('throttles a contact asked within N days and frees them after', () => {
    expect(isThrottled('2026-05-01T12:00:00Z', now, 90)).toBe(true);
    expect(isThrottled('2026-03-03T12:00:01Z', now, 90)).toBe(true);
    expect(isThrottled('2026-03-03T12:00:00Z', now, 90)).toBe(false);
    expect(isThrottled(null, now, 90)).toBe(false);
    expect(isThrottled('2026-05-31T12:00:00Z', now, 0)).toBe(false);
    expect(nextAskAt('2026-05-01T12:00:00Z', 30)).toBe('2026-05-31T12:00:00.000Z');
  });
});
