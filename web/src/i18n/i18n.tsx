import { useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { setRequestLocale } from '../api/client.ts';
import type { Locale } from '../api/types.ts';
import { type MessageKey, messages } from './messages.ts';

const STORAGE_KEY = 'steward.locale';

const storedLocale = (): Locale | null => {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return stored === 'en' || stored === 'zh-CN' ? stored : null;
};

/** True once a language was chosen in this browser (the switch stores it); not a browser default. */
export const hasChosenLocale = (): boolean => storedLocale() !== null;

export function initialLocale(): Locale {
  const stored = storedLocale();
  if (stored) return stored;
  return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('en')
    ? 'en'
    : 'zh-CN';
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  locale: Locale;
  setLocale: (l: Locale) => void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

/** Everything that follows the language outside React: API requests, dayjs (date pickers), <html lang>. */
function applyLocale(l: Locale) {
  setRequestLocale(l);
  dayjs.locale(l === 'en' ? 'en' : 'zh-cn');
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [locale, setLocaleState] = useState<Locale>(() => {
    const l = initialLocale();
    applyLocale(l);
    return l;
  });
  const current = useRef(locale);
  const setLocale = useCallback(
    (l: Locale) => {
      // Stored even when it is already on screen: picking the browser's own language on the
      // sign-in page is still a choice, which must win over the profile's at login.
      localStorage.setItem(STORAGE_KEY, l);
      if (l === current.current) return;
      current.current = l;
      applyLocale(l);
      setLocaleState(l);
      // Server texts (health labels, timeline titles, errors) came rendered in the old language:
      // fetch them again in the new one.
      void queryClient.invalidateQueries();
    },
    [queryClient],
  );
  const t = useCallback<Translate>(
    (key, vars) => {
      let s: string = messages[key][locale === 'en' ? 0 : 1];
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
      return s;
    },
    [locale],
  );
  const value = useMemo(() => ({ locale, setLocale, t }), [locale, setLocale, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

/** A `{ 'zh-CN', en }` label from the API in the current language. */
export function useLabel() {
  const { locale } = useI18n();
  return (label: { 'zh-CN': string; en: string } | null | undefined, fallback = '') =>
    label ? (label[locale] ?? label.en) : fallback;
}
