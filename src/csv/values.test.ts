import { describe, expect, it } from 'vitest';
import { convert } from './convert.ts';
import { parseBoolean, parseDate, parseList } from './values.ts';

describe('CSV cell parsing', () => {
  it('reads ISO, slashed, compact and Chinese dates', () => {
    expect(parseDate('2024-03-05')).toBe('2024-03-05');
    expect(parseDate('2024-03-05T10:00:00Z')).toBe('2024-03-05');
    expect(parseDate('2024/3/5')).toBe('2024-03-05');
    expect(parseDate('20240305')).toBe('2024-03-05');
    expect(parseDate('2024年3月5日')).toBe('2024-03-05');
  });

  it('reads day-month-year by default and month-day-year when asked', () => {
    expect(parseDate('16/10/2024')).toBe('2024-10-16');
    expect(parseDate('5/3/2024')).toBe('2024-03-05');
    expect(parseDate('5/3/2024', 'MDY')).toBe('2024-05-03');
    expect(parseDate('10/16/2024', 'MDY')).toBe('2024-10-16');
  });

  it('rejects impossible dates instead of rolling them over', () => {
    expect(parseDate('31/02/2024')).toBeUndefined();
    expect(parseDate('2024-13-01')).toBeUndefined();
    expect(parseDate('16/10/2024', 'MDY')).toBeUndefined();
    expect(parseDate('yesterday')).toBeUndefined();
  });

  it('reads booleans, numbers and lists in their usual spellings', () => {
    expect(parseBoolean('TRUE')).toBe(true);
    expect(parseBoolean('False')).toBe(false);
    expect(parseBoolean('是')).toBe(true);
    expect(parseBoolean('maybe')).toBeUndefined();
    expect(convert({ kind: 'number' }, '1,200.50', 'DMY')).toEqual({ value: 1200.5 });
    expect(convert({ kind: 'number' }, '8.8万', 'DMY')).toEqual({ value: 88000 });
    expect(convert({ kind: 'number' }, '12abc', 'DMY')).toEqual({
      error: { key: 'imports.row.notNumber', params: { value: '12abc' } },
    });
    expect(parseList('a| b ;c')).toEqual(['a', 'b', 'c']);
  });
});
