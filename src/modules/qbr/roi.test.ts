import { describe, expect, it } from 'vitest';
import { formatRatio } from './qbr-view.ts';
import { computeRoi, parseKpiUnit } from './roi.ts';

describe('parseKpiUnit', () => {
  it('reads money units with their currency, scale and period', () => {
    expect(parseKpiUnit('CNY')).toEqual({ kind: 'money', currency: 'CNY', scale: 1, period: null });
    expect(parseKpiUnit('元/月')).toEqual({ kind: 'money', currency: 'CNY', scale: 1, period: 'month' });
    expect(parseKpiUnit('万元/年')).toEqual({
      kind: 'money',
      currency: 'CNY',
      scale: 10_000,
      period: 'year',
    });
    expect(parseKpiUnit('USD per quarter')).toEqual({
      kind: 'money',
      currency: 'USD',
      scale: 1,
      period: 'quarter',
    });
    expect(parseKpiUnit('¥')).toMatchObject({ kind: 'money', currency: 'CNY' });
  });

  it('reads working time, with the period first or last', () => {
    expect(parseKpiUnit('hours/month')).toEqual({ kind: 'time', hours: 1, period: 'month' });
    expect(parseKpiUnit('每月小时')).toEqual({ kind: 'time', hours: 1, period: 'month' });
    expect(parseKpiUnit('小时/周')).toEqual({ kind: 'time', hours: 1, period: 'week' });
    expect(parseKpiUnit('人天')).toEqual({ kind: 'time', hours: 8, period: null });
    expect(parseKpiUnit('minutes')).toMatchObject({ kind: 'time', hours: 1 / 60 });
  });

  it('does not value percentages, counts or calendar days', () => {
    for (const u of ['%', 'users', 'days', 'features', '', 'tickets/month'])
      expect(parseKpiUnit(u)).toEqual({ kind: 'other' });
  });
});

describe('computeRoi', () => {
  const base = { baseCurrency: 'CNY', arr: 240_000, hourlyCost: null };

  it('annualises a monthly cost saving and sets it against ARR', () => {
    // Cost fell from 50,000 to 40,000 a month: 10,000 x 12 = 120,000 a year; 120,000 / 240,000 = 0.5.
    const roi = computeRoi(
      [{ name: 'Cost', unit: 'CNY/month', direction: 'decrease', baseline: 50_000, current: 40_000 }],
      base,
    );
    expect(roi.lines[0]).toMatchObject({ kind: 'money', improvement: 10_000, perYear: 12, value: 120_000 });
    expect(roi.valueBase).toBe(120_000);
    expect(roi.ratio).toBe(0.5);
  });

  it('counts hours saved and values them only at a given hourly cost', () => {
    const kpi = {
      name: 'Manual work',
      unit: 'hours/month',
      direction: 'decrease' as const,
      baseline: 800,
      current: 600,
    };
    const without = computeRoi([kpi], base);
    expect(without.hours).toBe(2400);
    expect(without.valueBase).toBeNull();
    expect(without.ratio).toBeNull();
    const withRate = computeRoi([kpi], { ...base, hourlyCost: 150 });
    // 200 h x 12 = 2,400 h; x 150 = 360,000; / 240,000 = 1.5.
    expect(withRate.valueBase).toBe(360_000);
    expect(withRate.ratio).toBe(1.5);
  });

  it('counts a KPI that went the wrong way against the value', () => {
    const roi = computeRoi(
      [
        { name: 'Revenue', unit: '万元', direction: 'increase', baseline: 100, current: 103 },
        { name: 'Cost', unit: '元', direction: 'decrease', baseline: 10_000, current: 12_000 },
      ],
      base,
    );
    // 3 x 10,000 = 30,000 gained; 2,000 lost.
    expect(roi.valueBase).toBe(28_000);
  });

  it('keeps other currencies apart, reports unvalued and missing KPIs', () => {
    const roi = computeRoi(
      [
        { name: 'Savings', unit: 'USD', direction: 'increase', baseline: 0, current: 5000 },
        { name: 'Efficiency', unit: '%', direction: 'increase', baseline: 0, current: 27.5 },
        { name: 'Cost', unit: 'CNY', direction: 'decrease', baseline: null, current: 10 },
        { name: 'Hours', unit: 'hours', direction: 'decrease', baseline: 10, current: null },
      ],
      base,
    );
    expect(roi.valueBase).toBeNull();
    expect(roi.otherCurrencies).toEqual([{ currency: 'USD', value: 5000 }]);
    expect(roi.lines.map((l) => l.kind)).toEqual(['money', 'unvalued', 'missing', 'missing']);
    expect(roi.lines[2]).toMatchObject({ reason: 'noBaseline' });
    expect(roi.lines[3]).toMatchObject({ reason: 'noCurrent' });
    expect(roi.ratio).toBeNull();
  });
});

describe('formatRatio', () => {
  it('keeps a ratio below 1 readable (the demo QBR printed 0.035 as "0×")', () => {
    expect(formatRatio('en', 0.0349)).toBe('0.035×');
    expect(formatRatio('zh-CN', 0.0349)).toBe('0.035×');
    expect(formatRatio('en', 0.8)).toBe('0.8×');
    expect(formatRatio('en', 2.8)).toBe('2.8×');
    expect(formatRatio('en', 12.345)).toBe('12.3×');
  });
});
