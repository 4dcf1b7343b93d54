import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { evaluateSnapshot } from './snapshot.ts';

describe('snapshot evaluation errors', () => {
  const input = {
    csv: 'id,usage,churned\na,1,no\nb,2,no\n',
    idColumn: 'id',
    outcomeColumn: 'churned',
    outcomeValue: 'yes',
  };
  const thrown = (f: () => unknown): AppError => {
    try {
      f();
    } catch (e) {
      if (e instanceof AppError) return e;
    }
    throw new Error('expected an AppError');
  };

  it('names a file with one outcome in the reader’s language', () => {
    const e = thrown(() => evaluateSnapshot(input));
    expect(e.messageIn('en')).toBe('--outcome: no row is "yes" in churned; both outcomes are needed');
    expect(e.messageIn('zh-CN')).toBe('--outcome：churned 列中没有一行是"yes"；两种结果都需要有');
  });

  it('names a missing column with the file’s columns', () => {
    const e = thrown(() => evaluateSnapshot({ ...input, outcomeColumn: 'left' }));
    expect(e.messageIn('en')).toBe('--outcome: no column "left" (columns: id, usage, churned)');
  });
});
