// The reader's locale for code that has no Ctx at hand: zod's issue messages, computed while the
// request is parsed. The app's first middleware runs every request inside `withRequestLocale`, and
// the auth middleware updates it once the user (and their profile language) is known.
import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import { DEFAULT_LOCALE, type Locale } from './locale.ts';

const store = new AsyncLocalStorage<{ locale: Locale }>();

/** Runs `fn` (the rest of a request) with `locale` as the reader's locale. */
export const withRequestLocale = <T>(locale: Locale, fn: () => T): T => store.run({ locale }, fn);

/** Changes the locale of the request being handled (the signed-in user's, once known). */
export function setRequestLocale(locale: Locale): void {
  const s = store.getStore();
  if (s) s.locale = locale;
}

/** The locale of the request being handled; English outside a request (CLI, jobs, unit tests). */
export const requestLocale = (): Locale => store.getStore()?.locale ?? 'en';

/** The reader's locale of a call: its own, else the default (Chinese) for texts people read. */
export const localeOf = (ctx: { locale?: Locale | undefined }): Locale => ctx.locale ?? DEFAULT_LOCALE;

// zod's built-in messages ("Too small: expected string to have >=1 characters") in the reader's
// language. Custom messages in schemas are unaffected: they use `zodText` (errors.ts) or stay as written.
const en = z.locales.en().localeError;
const zhCN = z.locales.zhCN().localeError;
z.config({ localeError: (issue) => (requestLocale() === 'en' ? en : zhCN)(issue) });
