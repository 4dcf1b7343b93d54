import { describe, expect, it } from 'vitest';
import {
  deriveRecurring,
  isCurrency,
  minorDigits,
  pickRate,
  summarizeContracts,
  toMinor,
} from './contract-math.ts';

describe('contract maths', () => {
  it('knows minor units per currency', () => {
    expect(minorDigits('CNY')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(toMinor(1234.567, 'CNY')).toBe(123457);
    expect(toMinor(1234.5, 'JPY')).toBe(1235);
  });

  it('accepts ISO currency codes and rejects made-up ones', () => {
    expect(isCurrency('USD')).toBe(true);
    expect(isCurrency('usd')).toBe(false);
    expect(isCurrency('XYZ')).toBe(false);
  });

  it('annualises a monthly USD charge into CNY ARR and MRR', () => {
    const r = deriveRecurring({
      amountMinor: toMinor(1000, 'USD'),
      currency: 'USD',
      baseCurrency: 'CNY',
      billingPeriod: 'monthly',
      rate: 7.1,
    });
    expect(r.arrMinor).toBe(toMinor(85200, 'CNY'));
    expect(r.mrrMinor).toBe(toMinor(7100, 'CNY'));
  });

  it('picks the rate effective on the start date, falling back to the earliest', () => {
    const rates = [
      { currency: 'USD', rate: 7.0, effectiveDate: '2024-01-01' },
      { currency: 'USD', rate: 7.2, effectiveDate: '2025-01-01' },
    ];
    expect(pickRate(rates, 'USD', 'CNY', '2024-06-30')).toBe(7.0);
    expect(pickRate(rates, 'USD', 'CNY', '2025-01-01')).toBe(7.2);
    expect(pickRate(rates, 'USD', 'CNY', '2023-01-01')).toBe(7.0);
    expect(pickRate(rates, 'CNY', 'CNY', '2023-01-01')).toBe(1);
    expect(pickRate(rates, 'EUR', 'CNY', '2023-01-01')).toBeUndefined();
  });

  it('sums contracts in force and takes the earliest end as the renewal date', () => {
    const c = (startDate: string, endDate: string | null, arrMinor: number, status = 'active') => ({
      startDate,
      endDate,
      status,
      arrMinor,
      mrrMinor: Math.round(arrMinor / 12),
    });
    const summary = summarizeContracts(
      [
        c('2025-01-01', '2025-12-31', 1200),
        c('2025-06-01', '2026-05-31', 2400),
        c('2024-01-01', '2024-12-31', 9999), // ended
        c('2026-01-01', '2026-12-31', 5000), // not started
        c('2025-03-01', '2026-02-28', 7777, 'churned'),
        c('2025-02-01', null, 120), // open-ended
      ],
      '2025-07-01',
    );
    expect(summary).toEqual({ arrMinor: 3720, mrrMinor: 100 + 200 + 10, renewalDate: '2025-12-31' });
  });
});
