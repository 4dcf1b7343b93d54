// Tampered cursors are a 400 on `cursor`, never a 500: random and mutated cursors through the decoder,
// and a sample of them through list routes whose sort keys are text, numbers and row offsets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { type CursorKind, decodeCursor, encodeCursor } from '../../src/pagination.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

// A seeded generator so a failure can be replayed.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  true,
  {},
  [],
  ['nested'],
  { a: 1 },
  Number.MAX_VALUE,
  -1,
  1.5,
  '',
  'x'.repeat(5000),
  '\u0000',
  'a\uD800b',
  '\uDC00',
  "'; drop table accounts; --",
  '2026-01-01',
  42,
];

function tampered(random: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const valid = encodeCursor([pick(['Acme', '2026-01-01T00:00:00.000Z', 'id_1']), 'id_2']);
  switch (Math.floor(random() * 6)) {
    case 0: {
      // flip, drop or insert characters of a valid cursor
      const chars = [...valid];
      const at = Math.floor(random() * chars.length);
      const op = Math.floor(random() * 3);
      if (op === 0) chars[at] = String.fromCharCode(32 + Math.floor(random() * 95));
      else if (op === 1) chars.splice(at, 1);
      else chars.splice(at, 0, pick(['=', '+', '/', '%', '"', 'A', '\u0000', 'é']));
      return chars.join('');
    }
    case 1:
      // random bytes, base64url-encoded: decodes but is rarely JSON
      return Buffer.from(
        Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)),
      ).toString('base64url');
    case 2: {
      // well-formed JSON arrays of the wrong length or types
      const n = Math.floor(random() * 4);
      return encodeCursor(Array.from({ length: n }, () => pick(ODD_VALUES)));
    }
    case 3:
      // JSON that is not an array
      return Buffer.from(JSON.stringify(pick(ODD_VALUES))).toString('base64url');
    case 4:
      // not base64url at all
      return pick(['', '!!!', 'a b', '%00', '..', 'eyJ', '[1,2]', '\u0000', 'é', 'x'.repeat(5000)]);
    default:
      return Buffer.from(pick(['[', '[1,', '{"a":', 'nul', '["a","b"', '[1e999, "x"]'])).toString(
        'base64url',
      );
  }
}

const SHAPES: CursorKind[][] = [
  ['string', 'string'],
  ['number', 'string'],
  ['offset'],
  ['number'],
  ['string', 'string', 'string'],
];

describe('decodeCursor', () => {
  it('answers every one of 5,000 tampered cursors with the cursor validation error or a value of the right shape', () => {
    const random = rng(15);
    let rejected = 0;
    for (let i = 0; i < 5000; i++) {
      const cursor = tampered(random);
      const shape = SHAPES[i % SHAPES.length]!;
      try {
        const values = decodeCursor(cursor, shape);
        values.forEach((v, j) => {
          if (shape[j] === 'string') expect(typeof v).toBe('string');
          else expect(Number.isFinite(v)).toBe(true);
        });
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('validation_failed');
        expect(JSON.stringify((error as AppError).details)).toContain('"path":"cursor"');
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(4000);
  });

  it('reads back what it issued and refuses a value of the wrong type', () => {
    expect(decodeCursor(encodeCursor(['b', 'id']), ['string', 'string'])).toEqual(['b', 'id']);
    expect(decodeCursor(encodeCursor([12.5, 'id']), ['number', 'string'])).toEqual([12.5, 'id']);
    expect(decodeCursor(encodeCursor([100]), ['offset'])).toEqual([100]);
    for (const [values, shape] of [
      [
        [{}, 'id'],
        ['string', 'string'],
      ],
      [
        ['12', 'id'],
        ['number', 'string'],
      ],
      [[-1], ['offset']],
      [[1.5], ['offset']],
      [
        ['a\u0000', 'id'],
        ['string', 'string'],
      ],
      [
        ['\uD800', 'id'],
        ['string', 'string'],
      ],
      [['a'], ['string', 'string']],
    ] as [unknown[], CursorKind[]][]) {
      expect(() => decodeCursor(encodeCursor(values), shape)).toThrow(AppError);
    }
  });
});

describe('list routes with tampered cursors', () => {
  let t: TestApp;
  let w: TestWorkspace;
  beforeAll(async () => {
    t = await createTestApp();
    w = await createTestWorkspace(t.deps);
  });
  afterAll(async () => t?.close());

  it('answer 400 naming cursor, never 500', async () => {
    const api = client(t.app, w.users.admin.token);
    const routes = [
      '/api/v1/accounts?sort=name',
      '/api/v1/accounts?sort=-arr',
      '/api/v1/account-states?sort=healthTrend7d',
      '/api/v1/tasks?sort=priority',
      '/api/v1/requests?sort=priority',
      '/api/v1/requests?sort=newest',
      '/api/v1/renewals',
      '/api/v1/notifications',
    ];
    const random = rng(11);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 160; i++) {
      const route = routes[i % routes.length]!;
      const cursor = tampered(random);
      const res = await api.get(`${route}&cursor=${encodeURIComponent(cursor)}`.replace(/^([^?]*)&/, '$1?'));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `${route} ${JSON.stringify(cursor)}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
      if (res.status === 400) expect(JSON.stringify(res.body)).toContain('cursor');
    }
    expect(statuses.get(400)).toBeGreaterThan(100);
  });
});
