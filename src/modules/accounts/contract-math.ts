// Pure money and contract arithmetic: no database, unit-tested in contract-math.test.ts.

export const BILLING_PERIODS = ['monthly', 'quarterly', 'annual'] as const;
export type BillingPeriod = (typeof BILLING_PERIODS)[number];

const PERIODS_PER_YEAR: Record<BillingPeriod, number> = { monthly: 12, quarterly: 4, annual: 1 };

export const CONTRACT_STATUSES = ['active', 'renewed', 'churned', 'expanded', 'downgraded'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

const MINOR_DIGITS = new Map<string, number>();

/** Digits after the decimal point in a currency's minor unit (CNY 2, JPY 0, KWD 3). */
export function minorDigits(currency: string): number {
  let digits = MINOR_DIGITS.get(currency);
  if (digits === undefined) {
    // A formatter costs ~13 µs to make: once per currency, not once per amount (every list row,
    // every account's facts). Only codes Intl accepts are kept (it throws on others).
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    MINOR_DIGITS.set(currency, digits);
  }
  return digits;
}

export function isCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return Intl.supportedValuesOf('currency').includes(code);
  } catch {
    return false;
  }
}

export const toMinor = (amount: number, currency: string): number =>
  Math.round(amount * 10 ** minorDigits(currency));
export const fromMinor = (minor: number, currency: string): number => minor / 10 ** minorDigits(currency);

export type RateRow = { currency: string; rate: number; effectiveDate: string };

/**
 * The rate that converts a contract: the latest rate effective on or before `day` (the contract's
 * start date, so a contract's base-currency ARR is fixed for its term); before a currency's first
 * rate, that first rate. Undefined when the currency has no rate at all.
 */
export function pickRate(rates: readonly RateRow[], currency: string, baseCurrency: string, day: string) {
  if (currency === baseCurrency) return 1;
  const mine = rates
    .filter((r) => r.currency === currency)
    .sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate));
  if (mine.length === 0) return undefined;
  let chosen = mine[0]!;
  for (const r of mine) if (r.effectiveDate <= day) chosen = r;
  return chosen.rate;
}

/** ARR and MRR in base-currency minor units from a charge per billing period. */
export function deriveRecurring(input: {
  amountMinor: number;
  currency: string;
  baseCurrency: string;
  billingPeriod: BillingPeriod;
  rate: number;
}): { arrMinor: number; mrrMinor: number } {
  const annualInCurrency =
    fromMinor(input.amountMinor, input.currency) * PERIODS_PER_YEAR[input.billingPeriod];
  const arrMinor = toMinor(annualInCurrency * input.rate, input.baseCurrency);
  return { arrMinor, mrrMinor: Math.round(arrMinor / 12) };
}

export type ContractFigures = {
  startDate: string;
  endDate: string | null;
  status: string;
  arrMinor: number;
  mrrMinor: number;
};

/**
 * An account's current ARR, MRR and renewal date on `day`: the sum over contracts in force (start
 * on or before the day, end on or after it or open-ended) that are not churned; the renewal date is
 * the earliest end date among them.
 */
export function summarizeContracts(contracts: readonly ContractFigures[], day: string) {
  let arrMinor = 0;
  let mrrMinor = 0;
  let renewalDate: string | null = null;
  for (const c of contracts) {
    const inForce = c.startDate <= day && (c.endDate === null || c.endDate >= day) && c.status !== 'churned';
    if (!inForce) continue;
    arrMinor += c.arrMinor;
    mrrMinor += c.mrrMinor;
    if (c.endDate !== null && (renewalDate === null || c.endDate < renewalDate)) renewalDate = c.endDate;
  }
  return { arrMinor, mrrMinor, renewalDate };
}
