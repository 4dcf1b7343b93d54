// The accounts CSV export (web app) must not hand a spreadsheet a formula: OWASP's CSV injection advice.
import { describe, expect, it } from 'vitest';
import { neutralise, toCsv } from '../../web/src/features/accounts/csv.ts';

describe('CSV export cells', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+1+cmd|calc', `'+1+cmd|calc`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tlead', `'\tlead`],
    ['\rlead', `'\rlead`],
  ])('prefixes %j with a quote', (value, expected) => {
    expect(neutralise(value)).toBe(expected);
  });

  it('keeps numbers and plain numeric text as numbers', () => {
    expect(neutralise(-12.5)).toBe('-12.5');
    expect(neutralise('-12.5')).toBe('-12.5');
    expect(neutralise('+3')).toBe('+3');
    expect(neutralise('-1e3')).toBe('-1e3');
    expect(neutralise('Acme')).toBe('Acme');
    expect(neutralise(null)).toBe('');
  });

  it('quotes the neutralised cell when it holds a comma or quote', () => {
    expect(toCsv(['name', 'arr'], [['=HYPERLINK("a","b")', -5]])).toBe(
      `name,arr\r\n"'=HYPERLINK(""a"",""b"")",-5`,
    );
    expect(toCsv(['name'], [['\rx']])).toBe(`name\r\n"'\rx"`);
  });
});
