import { describe, expect, it } from 'vitest';
import { render } from '../../i18n/index.ts';
import { COMMON_PASSWORDS } from './common-passwords.ts';
import { passwordProblem as problemOf } from './password-policy.ts';
import { TOP_10000_PASSWORDS } from './top-passwords.ts';

const passwordProblem = (pw: string, email?: string) => {
  const m = problemOf(pw, email);
  return m && render('en', m);
};

describe('passwordProblem', () => {
  it.each([
    ['short', 'at least 10'],
    ['password', 'at least 10'],
    ['aaaaaaaa', 'at least 10'],
    ['12345678', 'at least 10'],
    ['aaaaaaaaaaaa', 'repeated'],
    ['1212121212', 'repeated'],
    ['1234567890', 'sequence'],
    ['0987654321', 'sequence'],
    ['qwertyuiop', 'sequence'],
    ['password123', 'too common'],
    ['P@ssw0rd2024!', 'too common'],
    ['iloveyou!!!', 'too common'],
    ['passwordpassword', 'too common'],
    ['qwertyasdfgh', 'too common'],
    ['Dragon123456', 'too common'],
  ])('refuses %s (%s)', (pw, rule) => {
    expect(passwordProblem(pw)).toContain(rule);
  });

  it('refuses the email and its name part', () => {
    expect(passwordProblem('jane.doe@example.com', 'Jane.Doe@example.com')).toContain('email');
    expect(passwordProblem('jane.doe.smith', 'jane.doe.smith@example.com')).toContain('email');
    expect(passwordProblem('jane.doe.smith2024', 'jane.doe.smith@example.com')).toContain('email');
  });

  it('accepts a long unusual passphrase and a generated secret', () => {
    expect(passwordProblem('correct horse battery staple', 'jane@example.com')).toBeUndefined();
    expect(passwordProblem('pw-admin-12345', 'admin@example.com')).toBeUndefined();
    expect(passwordProblem('Kx8#vQ2!mRw9', 'jane@example.com')).toBeUndefined();
    expect(passwordProblem('long-enough', 'jane@example.com')).toBeUndefined();
  });

  it('ships the 10,000 most used passwords and refuses every one long enough to pass the length rule', () => {
    expect(TOP_10000_PASSWORDS.size).toBe(10_000);
    const long = [...TOP_10000_PASSWORDS].filter((p) => p.length >= 10);
    expect(long.length).toBeGreaterThan(100);
    expect(long.filter((p) => passwordProblem(p) === undefined)).toEqual([]);
    // Ones the hand-written stems list alone let through.
    for (const pw of ['fktrcfylhf', '4815162342', 'mailcreated5240', 'nuttertools']) {
      expect(COMMON_PASSWORDS.has(pw)).toBe(false);
      expect(passwordProblem(pw), pw).toContain('too common');
      expect(passwordProblem(pw.toUpperCase()), pw).toContain('too common');
    }
  });
});
