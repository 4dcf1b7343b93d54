import type { Catalog } from './catalog/catalog.ts';
import { CATALOG } from './catalog/index.ts';
import type { Locale } from './locale.ts';

export type MessageKey = keyof typeof CATALOG;

/**
 * A parameter: plain values, another message (an enum value, a label), a localised label pair
 * from the data (a stage's name), an amount of money, or a date. `null` reads "not recorded".
 */
export type Param =
  | string
  | number
  | null
  | Message
  | { label: { en: string; 'zh-CN': string } }
  | { money: number; currency: string }
  | { date: string };

/** A text as stored and sent: a key and its parameters, rendered in the reader's locale. */
export type Message = { key: MessageKey; params?: Record<string, Param> };

export const msg = (key: MessageKey, params?: Record<string, Param>): Message =>
  params === undefined ? { key } : { key, params };

/** Whether the catalog has a text under `key`. */
export const isMessageKey = (key: string): key is MessageKey => key in CATALOG;

export const isMessage = (v: unknown): v is Message =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Message).key === 'string' &&
  isMessageKey((v as Message).key);

const numberFormats = new Map<string, Intl.NumberFormat>();
const numberFormat = (locale: Locale, options: Intl.NumberFormatOptions) => {
  const id = `${locale}|${JSON.stringify(options)}`;
  let f = numberFormats.get(id);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    numberFormats.set(id, f);
  }
  return f;
};

function renderParam(locale: Locale, p: Param): string {
  if (p === null) return render(locale, { key: 'common.missing' });
  if (typeof p === 'number') return numberFormat(locale, { maximumFractionDigits: 2 }).format(p);
  if (typeof p === 'string') return p;
  if ('key' in p) return render(locale, p);
  if ('label' in p) return p.label[locale] || p.label.en || p.label['zh-CN'];
  if ('money' in p)
    return numberFormat(locale, { style: 'currency', currency: p.currency, maximumFractionDigits: 0 }).format(
      p.money,
    );
  const d = new Date(p.date);
  return Number.isNaN(d.getTime())
    ? p.date
    : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

/** The message in `locale`; an unknown key (a catalog entry removed since it was stored) shows as is. */
export function render(locale: Locale, m: Message): string {
  const entry = (CATALOG as Catalog)[m.key];
  if (!entry) return m.key;
  const template = entry[locale === 'en' ? 0 : 1];
  if (!m.params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = m.params![name];
    return value === undefined ? whole : renderParam(locale, value);
  });
}

/** Either a stored sentence (a person's own words) or a message, as text in `locale`. */
export const textOf = (locale: Locale, v: string | Message): string =>
  typeof v === 'string' ? v : render(locale, v);
