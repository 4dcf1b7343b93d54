// Texts stored beside their message: a text column (the English rendering, or a person's own words)
// and a nullable JSON column with the key and parameters. Rendering on read from the message means
// a language switch re-renders history; rows written before messages existed keep their text.
import { z } from 'zod';
import { DEFAULT_LOCALE, type Locale } from './locale.ts';
import { isMessage, type Message, render } from './message.ts';

/** A message as the API returns it beside its rendering, for clients that render it themselves. */
export const StoredMessage = z.object({
  key: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});

/** The text column and the message column for a person's words (no message) or a message. */
export function storeText(v: string | Message, max?: number): { text: string; message: string | null } {
  const text = typeof v === 'string' ? v : render('en', v);
  return {
    text: max === undefined ? text : text.slice(0, max),
    message: typeof v === 'string' ? null : JSON.stringify(v),
  };
}

/** The stored message, when the row has one whose key the catalog still knows. */
export function storedMessage(json: string | null | undefined): Message | null {
  if (!json) return null;
  try {
    const m: unknown = JSON.parse(json);
    return isMessage(m) ? m : null;
  } catch {
    return null;
  }
}

/** The text in `locale`: rendered from the message when there is one, else the stored text. */
export function readText(locale: Locale | undefined, text: string, json: string | null | undefined): string {
  const m = storedMessage(json);
  return m ? render(locale ?? DEFAULT_LOCALE, m) : text;
}
