import type { Translate } from '../../i18n/i18n.tsx';
import { type MessageKey, messages } from '../../i18n/messages.ts';

/** A tier key in words: the default scheme's tiers are translated; a workspace's own keys are its data. */
export function tierName(t: Translate, key: string | null | undefined): string {
  if (!key) return '—';
  const k = `tierName_${key}`;
  return k in messages ? t(k as MessageKey) : key;
}

/** `prefix_value` from the messages, else the value itself (an enum value the app does not know yet). */
export function enumLabel(t: Translate, prefix: string, value: string | null | undefined): string {
  if (!value) return '—';
  const k = `${prefix}_${value}`;
  return k in messages ? t(k as MessageKey) : value;
}
