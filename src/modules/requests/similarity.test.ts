import { describe, expect, it } from 'vitest';
import { diceOfGrams, normalizeText, similarity, textGrams } from './similarity.ts';

describe('normalizeText', () => {
  it('lower-cases, folds full-width characters and turns punctuation into spaces', () => {
    expect(normalizeText('  Export REPORTS，to ＥＸＣＥＬ!!  ')).toBe('export reports excel');
  });

  it('drops English and Chinese filler so only what is asked remains', () => {
    expect(normalizeText('Could you please add the ability to export reports?')).toBe('export reports');
    expect(normalizeText('希望能支持导出报表的功能')).toBe('导出报表');
    expect(normalizeText('能否增加一下批量导入')).toBe('批量导入');
  });

  it('separates Han runs from Latin runs and digits', () => {
    expect(normalizeText('导出Excel报表')).toBe('导出 excel 报表');
    expect(normalizeText('API调用限额500次')).toBe('api 调用限额 500 次');
  });

  it('keeps 的 inside a word', () => {
    expect(normalizeText('目的地')).toBe('目的地');
  });
});

describe('textGrams', () => {
  it('cuts Latin words into padded trigrams and Han runs into padded bigrams', () => {
    expect(textGrams('csv')).toEqual([' cs', 'csv', 'sv ']);
    expect(textGrams('导出')).toEqual([' 导', '导出', '出 ']);
    expect(textGrams('')).toEqual([]);
  });

  it('lists each gram once', () => {
    expect(textGrams('aaaa')).toEqual([' aa', 'aaa', 'aa ']);
  });
});

describe('similarity', () => {
  it('is 1 for the same text and 0 for nothing in common', () => {
    expect(similarity('导出报表', '导出报表')).toBe(1);
    expect(similarity('Export reports', 'export  REPORTS!')).toBe(1);
    expect(similarity('报表导出Excel', '批量导入客户数据')).toBe(0);
    expect(similarity('', '')).toBe(0);
  });

  it('computes Dice over gram sets: 2 x shared / (|A| + |B|)', () => {
    expect(diceOfGrams(['a', 'b', 'c'], ['b', 'c', 'd', 'e'])).toBeCloseTo(4 / 7);
  });

  it('finds the same Chinese ask worded differently, without spaces', () => {
    expect(similarity('希望支持导出Excel报表', '能否增加报表导出为Excel的功能')).toBeGreaterThan(0.7);
    expect(similarity('企业微信消息通知', '希望能接入企业微信通知')).toBeGreaterThan(0.55);
  });

  it('finds the same English ask worded differently', () => {
    expect(
      similarity('Export reports to Excel', 'Please add the ability to export reports as Excel'),
    ).toBeGreaterThan(0.9);
  });

  it('keeps different asks apart', () => {
    expect(similarity('Export reports to Excel', 'Single sign-on with Okta')).toBe(0);
    expect(similarity('仪表盘加载太慢', '移动端App闪退')).toBe(0);
    expect(similarity('企业微信消息通知', '钉钉消息通知')).toBeLessThan(0.55);
  });

  it('is symmetric', () => {
    const a = '批量导入联系人';
    const b = '联系人能批量导入吗';
    expect(similarity(a, b)).toBe(similarity(b, a));
  });
});
