import { describe, expect, it } from 'vitest';
import { render } from '../../i18n/index.ts';
import {
  type AskingAccount,
  renderScore,
  DEFAULT_REQUEST_SETTINGS as S,
  scoreRequest as scoreMessages,
} from './priority-rule.ts';

/** The score with its reasoning in English, as an English reader gets it. */
const scoreRequest = (...args: Parameters<typeof scoreMessages>) => renderScore('en', scoreMessages(...args));

const account = (id: string, over: Partial<AskingAccount> = {}): AskingAccount => ({
  accountId: id,
  arr: 50_000,
  tier: 'nurture',
  tags: [],
  healthStatus: 'good',
  daysToRenewal: 200,
  ...over,
});
const strategic = account('big', { arr: 2_000_000, tier: 'strategic' });
const alone = (a: AskingAccount, showcase = false) =>
  scoreRequest({ account: a, showcase, groupAccounts: [a] }, S);
const points = (r: ReturnType<typeof scoreRequest>) =>
  Object.fromEntries(r.factors.map((f) => [f.key, f.points]));

describe('the priority score (大客看性,小客看量,重续缓用)', () => {
  it('scores a strategic account’s single ask by its strategic weight: 40 + 20 ARR + 1.5 + 5 volume = 66.5', () => {
    const r = alone(strategic);
    expect(r.highValue).toBe(true);
    expect(points(r)).toEqual({
      high_value_account: 40,
      account_arr: 20,
      asking_accounts: 1.5,
      asking_arr: 5,
    });
    expect(r.score).toBe(66.5);
    expect(r.factors[0]!.detail).toBe('High-value account (tier Strategic, ARR 2,000,000 >= 1,000,000)');
  });

  it('ranks a strategic account’s single ask above a small account’s single ask (7)', () => {
    const small = alone(account('s1'));
    expect(points(small)).toEqual({ asking_accounts: 6, asking_arr: 1 });
    expect(small.score).toBe(7);
    expect(small.highValue).toBe(false);
    expect(alone(strategic).score).toBeGreaterThan(small.score);
  });

  it('ranks the same ask from ten small accounts (60 + 10 = 70) above one strategic account’s (66.5)', () => {
    const ten = Array.from({ length: 10 }, (_, i) => account(`s${i}`));
    const r = scoreRequest({ account: ten[0]!, showcase: false, groupAccounts: ten }, S);
    expect(points(r)).toEqual({ asking_accounts: 60, asking_arr: 10 });
    expect(r.factors.find((f) => f.key === 'asking_accounts')!.detail).toBe(
      '10 accounts asking at 6 each, at most 60',
    );
    expect(r.score).toBe(70);
    expect(r.score).toBeGreaterThan(alone(strategic).score);
  });

  it('keeps three small accounts asking (18 + 3 = 21) below one strategic account', () => {
    const three = [account('a'), account('b'), account('c')];
    const r = scoreRequest({ account: three[1]!, showcase: false, groupAccounts: three }, S);
    expect(r.score).toBe(21);
    expect(r.score).toBeLessThan(alone(strategic).score);
  });

  it('caps the volume at 60 accounts’ worth and 20 ARR points however many ask', () => {
    const many = Array.from({ length: 40 }, (_, i) => account(`m${i}`, { arr: 90_000 }));
    const r = scoreRequest({ account: many[0]!, showcase: false, groupAccounts: many }, S);
    expect(points(r)).toEqual({ asking_accounts: 60, asking_arr: 20 });
  });

  it('gives a strategic account in a big group only a quarter of the volume points', () => {
    const group = [strategic, ...Array.from({ length: 9 }, (_, i) => account(`s${i}`))];
    const r = scoreRequest({ account: strategic, showcase: false, groupAccounts: group }, S);
    // 10 accounts: 60 x 0.25 = 15; combined ARR 2,450,000 -> capped 20 x 0.25 = 5.
    expect(points(r)).toEqual({
      high_value_account: 40,
      account_arr: 20,
      asking_accounts: 15,
      asking_arr: 5,
    });
    expect(r.score).toBe(80);
  });

  it('treats a reference customer (标杆客户) with a small contract as high-value and adds its flag', () => {
    const logo = account('logo', { tags: ['标杆客户'] });
    const r = alone(logo, true);
    expect(r.highValue).toBe(true);
    expect(points(r)).toEqual({
      high_value_account: 40,
      account_arr: 0.5,
      flagship_account: 15,
      showcase_request: 15,
      asking_accounts: 1.5,
      asking_arr: 0.3,
    });
    expect(r.score).toBe(72.3);
  });

  it('counts ARR at or above the configurable band as high-value, and one below it as small', () => {
    expect(alone(account('edge', { arr: 1_000_000, tier: 'growth' })).highValue).toBe(true);
    expect(alone(account('below', { arr: 999_999, tier: 'growth' })).highValue).toBe(false);
    const lower = { ...S, highValueArr: 500_000 };
    const r = scoreRequest(
      { account: account('x', { arr: 600_000, tier: 'growth' }), showcase: false, groupAccounts: [] },
      lower,
    );
    expect(r.highValue).toBe(true);
    expect(r.factors[0]!.detail).toBe('High-value account (ARR 600,000 >= 500,000)');
  });

  it('gives showcase value nothing on a small account: its asks are judged by volume', () => {
    expect(alone(account('s'), true).score).toBe(alone(account('s'), false).score);
  });

  it('boosts an account renewing within 90 days by 20, and by 10 more when its health is at risk', () => {
    const base = alone(account('s')).score;
    const renewing = alone(account('s', { daysToRenewal: 30 }));
    expect(renewing.score).toBe(base + 20);
    expect(renewing.factors.at(-1)).toEqual({
      key: 'renewal_window',
      points: 20,
      detail: 'Renews in 30 days (window 90)',
    });
    const atRisk = alone(account('s', { daysToRenewal: 30, healthStatus: 'danger' }));
    expect(points(atRisk).renewal_at_risk).toBe(10);
    expect(atRisk.factors.at(-1)!.detail).toBe('Renewal at risk: health Danger');
    const zh = scoreMessages(
      {
        account: account('s', { daysToRenewal: 30, healthStatus: 'danger' }),
        showcase: false,
        groupAccounts: [],
      },
      S,
    );
    expect(zh.factors.map((f) => render('zh-CN', f.detail))).toEqual([
      '1 个客户提出，每个客户计 6 分，最多 60 分',
      '提出客户的 ARR 合计 50,000，每 10 万计 2 分，最多 20 分',
      '30 天后续约（续约窗口 90 天）',
      '续约有风险：健康度为危险',
    ]);
    expect(atRisk.score).toBe(base + 30);
    expect(alone(account('s', { daysToRenewal: 91 })).score).toBe(base);
    expect(alone(account('s', { daysToRenewal: 90 })).score).toBe(base + 20);
    expect(alone(account('s', { daysToRenewal: null })).score).toBe(base);
    // At risk but not renewing soon: 缓用, no boost.
    expect(alone(account('s', { healthStatus: 'danger' })).score).toBe(base);
  });

  it('puts a renewing strategic account ahead of an otherwise identical one', () => {
    const renewing = alone({ ...strategic, daysToRenewal: 45 });
    expect(renewing.score).toBe(alone(strategic).score + 20);
  });

  it('lets the renewal boost lift a small at-risk renewal above a mid-sized account outside its window', () => {
    const atRisk = alone(account('r', { daysToRenewal: 20, healthStatus: 'warning' })); // 7 + 30
    const growth = alone(account('g', { arr: 800_000, tier: 'growth' })); // 6 + 16
    expect(atRisk.score).toBe(37);
    expect(growth.score).toBe(22);
    expect(atRisk.score).toBeGreaterThan(growth.score);
  });

  it('follows edited weights', () => {
    const volumeHeavy = { ...S, weights: { ...S.weights, perAskingAccount: 20 } };
    const three = [account('a'), account('b'), account('c')];
    expect(
      scoreRequest({ account: three[0]!, showcase: false, groupAccounts: three }, volumeHeavy).score,
    ).toBe(60 + 3);
  });
});
