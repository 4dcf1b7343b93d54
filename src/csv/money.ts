// Amounts and currencies as Chinese CRM and Excel exports write them: ¥ ￥ 元 RMB 人民币, 万 and 亿,
// thousands separators, full-width digits, (1,000) for a negative, and a currency inside the cell
// (`USD 5,000`, `5,000美元`) that the importer checks against the currency column.
import { toHalfWidth } from './values.ts';

/** Names and symbols of currencies (lower case) and their ISO codes. */
const CURRENCY_ALIASES: Record<string, string> = {
  '¥': 'CNY',
  '￥': 'CNY',
  元: 'CNY',
  人民币: 'CNY',
  人民币元: 'CNY',
  rmb: 'CNY',
  cny: 'CNY',
  $: 'USD',
  us$: 'USD',
  美元: 'USD',
  美金: 'USD',
  usd: 'USD',
  hk$: 'HKD',
  港币: 'HKD',
  港元: 'HKD',
  港幣: 'HKD',
  hkd: 'HKD',
  '€': 'EUR',
  欧元: 'EUR',
  eur: 'EUR',
  日元: 'JPY',
  日圆: 'JPY',
  jpy: 'JPY',
  '£': 'GBP',
  英镑: 'GBP',
  gbp: 'GBP',
  新台币: 'TWD',
  台币: 'TWD',
  新加坡元: 'SGD',
};

/** The ISO code a currency cell means (人民币, rmb, 美元, $, usd...), or undefined. */
export function normalizeCurrency(value: string): string | undefined {
  const v = toHalfWidth(value.trim()).toLowerCase();
  if (v === '') return undefined;
  const alias = CURRENCY_ALIASES[v];
  if (alias) return alias;
  return /^[a-z]{3}$/.test(v) ? v.toUpperCase() : undefined;
}

const MULTIPLIERS: Record<string, number> = { 千: 1e3, 万: 1e4, 萬: 1e4, 百万: 1e6, 亿: 1e8, 億: 1e8 };

// Longest first, so 人民币元 wins over 人民币 and US$ over $.
const SYMBOLS = Object.keys(CURRENCY_ALIASES).sort((a, b) => b.length - a.length);
const escapeRe = (s: string) => s.replace(/[$]/g, '\\$');
const CURRENCY = `(?:${SYMBOLS.map(escapeRe).join('|')}|[A-Za-z]{3})`;
const AMOUNT = new RegExp(
  `^(${CURRENCY})?\\s*(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?|\\.\\d+)\\s*(${Object.keys(MULTIPLIERS).join('|')})?\\s*(${CURRENCY})?$`,
  'i',
);

export type Amount = { amount: number; currency?: string };

/**
 * `8.8万` -> 88000, `￥500,000.00` -> 500000 CNY, `USD 5,000` -> 5000 USD, `(1,200)` -> -1200,
 * `1.2亿元` -> 120000000 CNY. Undefined when the text is not an amount (or names two currencies).
 */
export function parseAmount(value: string): Amount | undefined {
  let v = toHalfWidth(value.trim()).replace(/\s+/g, ' ');
  let negative = false;
  const parens = /^\((.*)\)$/.exec(v);
  if (parens) {
    negative = true;
    v = parens[1]!.trim();
  }
  // The minus may stand before or after a leading currency: -¥100, ¥-100.
  const minus = /^(-)?\s*(\D*?)\s*(-)?\s*(?=[\d.])/.exec(v);
  if (minus && (minus[1] || minus[3])) {
    if (negative || (minus[1] && minus[3])) return undefined;
    negative = true;
    v = `${minus[2] ?? ''}${v.slice(minus[0].length)}`;
  }
  const m = AMOUNT.exec(v.trim());
  if (!m) return undefined;
  const before = m[1] ? normalizeCurrency(m[1]) : undefined;
  const after = m[4] ? normalizeCurrency(m[4]) : undefined;
  if ((m[1] && !before) || (m[4] && !after)) return undefined;
  if (before && after && before !== after) return undefined;
  const number = Number(m[2]!.replace(/,/g, '')) * (m[3] ? MULTIPLIERS[m[3]]! : 1);
  // 万 and 亿 scale by powers of ten; rounding to 6 places drops the binary noise (8.8 * 1e4).
  const amount = Math.round(number * 1e6) / 1e6;
  const currency = before ?? after;
  return { amount: negative ? -amount : amount, ...(currency ? { currency } : {}) };
}
