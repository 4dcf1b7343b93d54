// Text Steward will not store: a NUL byte (PostgreSQL refuses it in text while SQLite keeps it, so
// the engines would disagree) or a lone UTF-16 surrogate (not Unicode: it cannot be encoded as UTF-8
// and comes back as U+FFFD or an error depending on the driver).
import { type Message, msg } from './i18n/index.ts';

const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `s` cannot be stored as text, or undefined when it can. */
export function badText(s: string): Message | undefined {
  if (s.includes(NUL)) return msg('text.nul');
  if (LONE_SURROGATE.test(s)) return msg('text.loneSurrogate');
  return undefined;
}

/**
 * The first string in a JSON-like value (keys included) that `badText` refuses, with its path
 * (`a.b.0`), or undefined when every string is storable.
 */
export function findBadText(
  value: unknown,
  path: string[] = [],
): { path: string; message: Message } | undefined {
  if (typeof value === 'string') {
    const message = badText(value);
    return message ? { path: path.join('.'), message } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadText(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const keyProblem = badText(key);
      // The key is shown escaped (`k\u0000`): the path itself must be storable and printable.
      if (keyProblem)
        return {
          path: [...path, JSON.stringify(key).slice(1, -1)].join('.'),
          message: msg('text.inName', { reason: keyProblem }),
        };
      const found = findBadText(v, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
