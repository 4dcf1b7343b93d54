import { describe, expect, it } from 'vitest';
import { dayInZone, formatDay, formatMoney, formatMoneyCompact, formatRelative } from './format.ts';

describe('money and dates as each reader reads them', () => {
  it('writes large sums in 万 and 亿 in Chinese, K and M in English, and keeps the full figure for tables', () => {
    expect(formatMoneyCompact(3_530_000, 'CNY', 'zh-CN')).toBe('¥353万');
    expect(formatMoneyCompact(123_456_789, 'CNY', 'zh-CN')).toBe('¥1.2亿');
    expect(formatMoneyCompact(3_530_000, 'CNY', 'en')).toBe('CN¥3.5M');
    expect(formatMoneyCompact(null, 'CNY', 'zh-CN')).toBe('—');
    expect(formatMoney(3_530_000, 'CNY', 'zh-CN')).toBe('¥3,530,000');
  });

  it('writes a day and a relative time in the reader’s language', () => {
    expect(formatDay('2027-03-12', 'zh-CN')).toBe('2027年3月12日');
    expect(formatDay('2027-03-12', 'en')).toBe('Mar 12, 2027');
    const now = Date.parse('2026-12-05T12:00:00Z');
    expect(formatRelative('2026-12-02T12:00:00Z', 'zh-CN', now)).toBe('3天前');
    expect(formatRelative('2026-12-02T12:00:00Z', 'en', now)).toBe('3 days ago');
  });
});

describe('dayInZone', () => {
  it("gives the workspace's day, not the browser's: past midnight in Shanghai is still yesterday in UTC", () => {
    const at = new Date('2026-12-06T17:30:00Z');
    expect(dayInZone('Asia/Shanghai', at)).toBe('2026-12-07');
    expect(dayInZone('UTC', at)).toBe('2026-12-06');
    expect(dayInZone('America/Los_Angeles', at)).toBe('2026-12-06');
  });
});
