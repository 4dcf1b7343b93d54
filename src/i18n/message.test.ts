import { describe, expect, it } from 'vitest';
import { CATALOG } from './catalog/index.ts';
import { localeFromHeader } from './locale.ts';
import { msg, render } from './message.ts';

const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const HAN = /\p{Script=Han}/u;

describe('catalog', () => {
  it('has both languages for every key, with the same parameters, and no Han characters in English', () => {
    for (const [key, [en, zh]] of Object.entries(CATALOG)) {
      expect(en.trim(), key).not.toBe('');
      expect(zh.trim(), key).not.toBe('');
      expect(params(zh), key).toEqual(params(en));
      expect(HAN.test(en), `${key}: ${en}`).toBe(false);
    }
  });
});

describe('render', () => {
  it('renders parameters, nested messages, labels, money and missing values per locale', () => {
    const m = msg('error.notFoundId', { what: { label: { en: 'Account', 'zh-CN': '客户' } }, id: 'a1' });
    expect(render('en', m)).toBe('Account a1 not found');
    expect(render('zh-CN', m)).toBe('未找到客户 a1');
    expect(render('zh-CN', msg('error.notFound', { what: null }))).toBe('未找到暂无记录');
    expect(render('en', msg('error.notFound', { what: { money: 1234567, currency: 'CNY' } }))).toBe(
      'CN¥1,234,567 not found',
    );
  });

  it('shows an unknown key as is rather than failing', () => {
    expect(render('en', { key: 'gone.key' as never })).toBe('gone.key');
  });
});

describe('localeFromHeader', () => {
  it('takes the first language we speak, by quality', () => {
    expect(localeFromHeader('en-US,en;q=0.9')).toBe('en');
    expect(localeFromHeader('fr;q=1, zh-CN;q=0.8, en;q=0.5')).toBe('zh-CN');
    expect(localeFromHeader('zh;q=0.1, en;q=0.9')).toBe('en');
    expect(localeFromHeader('fr')).toBeUndefined();
    expect(localeFromHeader(undefined)).toBeUndefined();
  });
});
