// What global search and the accounts list's `q` match against, stored on every write so a search
// stays one LIKE per table: names in pinyin (zhangwei) and pinyin initials (zw) for Chinese names,
// and a phone number's digits alone (138 0013 8000 -> 13800138000). Imports no module.
import { pinyin } from 'pinyin-pro';

const HAN = /\p{Script=Han}/u;

/** "zhangwei zw" for 张伟; empty for a name without Chinese characters. */
export function pinyinKeys(name: string): string {
  if (!HAN.test(name)) return '';
  const options = { toneType: 'none', type: 'array', nonZh: 'removed', v: true } as const;
  const full = pinyin(name, options).join('');
  const initials = pinyin(name, { ...options, pattern: 'first' }).join('');
  return `${full} ${initials}`.toLowerCase();
}

const join = (parts: (string | null | undefined)[]) =>
  parts
    .filter((p): p is string => !!p)
    .join(' ')
    .toLowerCase();

export const accountSearchText = (name: string, externalId: string) =>
  join([name, externalId, pinyinKeys(name)]);

export type ContactSearchFields = {
  name: string;
  email: string | null;
  phone: string | null;
  wechatId: string | null;
};

export function contactSearchText(c: ContactSearchFields): string {
  const digits = c.phone?.replace(/\D/g, '');
  return join([c.name, c.email, c.phone, digits !== c.phone ? digits : null, c.wechatId, pinyinKeys(c.name)]);
}
