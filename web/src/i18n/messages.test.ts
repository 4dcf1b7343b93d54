// Every English text is English: a Chinese word inside one ("Groups (小组) of CSMs") shows on an
// English page, which the browser crawl fails, but only on the pages it happens to open.
import { describe, expect, it } from 'vitest';
import { messages } from './messages.ts';

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

describe('web messages', () => {
  it('have no Chinese in their English text', () => {
    const entries = Object.entries(messages) as [string, readonly [string, string]][];
    expect(entries.filter(([, [en]]) => HAN.test(en)).map(([key, [en]]) => `${key}: ${en}`)).toEqual([]);
  });
});
