import { type Message, msg } from '../../i18n/index.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';
import { TOP_10000_PASSWORDS } from './top-passwords.ts';

export const PASSWORD_MIN_LENGTH = 10;

const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '0': 'o',
  '1': 'i',
  '3': 'e',
  $: 's',
  '5': 's',
  '7': 't',
  '!': 'i',
};
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'abcdefghijklmnopqrstuvwxyz'];

function stripEdges(s: string): string {
  return s.replace(/^[\d\W_]+/, '').replace(/[\d\W_]+$/, '');
}

/** A run along the alphabet, digits or a keyboard row, either direction, possibly repeated. */
function isSequence(s: string): boolean {
  if (s.length < 3) return false;
  for (const row of KEYBOARD_ROWS) {
    for (const line of [row, [...row].reverse().join('')]) {
      const doubled = line + line;
      if (doubled.includes(s)) return true;
    }
  }
  return false;
}

/** The same short unit repeated: "aaaaaaaaaa", "abababab", "123123123". */
function isRepeat(s: string): boolean {
  for (let unit = 1; unit <= 4 && unit * 2 <= s.length; unit++) {
    if (
      s ===
      s
        .slice(0, unit)
        .repeat(Math.ceil(s.length / unit))
        .slice(0, s.length)
    )
      return true;
  }
  return false;
}

/**
 * Why a password is refused, or undefined if it is acceptable: the rule it breaks, worded to
 * follow the field name ("password: must …"). `email` is the account's own address.
 */
export function passwordProblem(password: string, email?: string): Message | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return msg('password.tooShort', { min: PASSWORD_MIN_LENGTH });
  const lower = password.toLowerCase();
  if (email) {
    const address = email.toLowerCase();
    const local = address.split('@')[0] ?? '';
    const stem = stripEdges(lower);
    if (
      lower === address ||
      lower === local ||
      (local.length >= 3 && (stem === local || stem === stripEdges(local)))
    )
      return msg('password.isEmail');
  }
  if (isRepeat(lower)) return msg('password.repeated');
  if (isSequence(lower)) return msg('password.sequence');
  const deleet = [...lower].map((ch) => LEET[ch] ?? ch).join('');
  const candidates = [lower, stripEdges(lower), deleet, stripEdges(deleet)];
  // The 10,000 most used passwords as they are, and the stems list also around digits and swaps.
  if (candidates.some((c) => c.length > 0 && (COMMON_PASSWORDS.has(c) || TOP_10000_PASSWORDS.has(c))))
    return msg('password.common');
  // Two common stems or a stem plus a sequence ("passwordpassword", "qwertyasdf").
  const stem = stripEdges(deleet);
  for (let i = 3; i <= stem.length - 3; i++) {
    const [a, b] = [stem.slice(0, i), stem.slice(i)];
    if ((COMMON_PASSWORDS.has(a) || isSequence(a)) && (COMMON_PASSWORDS.has(b) || isSequence(b)))
      return msg('password.common');
  }
  return undefined;
}
