// CSV imports answer a malformed file with a 400 naming the line (and the column for quote errors)
// and write nothing; NUL bytes and lone surrogates in cells are row errors. The reader is fuzzed with
// random and mutated files: only validation errors come out.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FieldSpec, readMappedCsv } from '../../src/csv/read.ts';
import { AppError } from '../../src/errors.ts';
import { msg } from '../../src/i18n/index.ts';
import { badText } from '../../src/text.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

const SPECS: Record<string, FieldSpec> = {
  name: { kind: 'text', required: true, help: '' },
  arr: { kind: 'number', help: '' },
  since: { kind: 'date', help: '' },
  active: { kind: 'bool', help: '' },
};

const read = (source: string | Readable) =>
  readMappedCsv({
    source,
    specs: SPECS,
    extra: { prefix: 'prop.' },
    what: msg('imports.what.accounts'),
    map: {},
    defaults: {},
    dateFormat: 'DMY',
    locale: 'en',
  });

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const VALID =
  'name,arr,since,active,prop.plan\nAcme,12.5,01/02/2026,true,pro\n"Beta, Inc",-3,2026-01-01,no,"a ""b"""\n';
const NOISE = [
  '"',
  ',',
  '\n',
  '\r',
  '\r\n',
  ' ',
  '\u0000',
  '\uD800',
  '\uDC00',
  '\uFEFF',
  '=',
  'é',
  '😀',
  'x',
  '""',
];

function mutate(random: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  if (random() < 0.2) {
    return Array.from({ length: Math.floor(random() * 80) }, () => pick([...NOISE, 'name', 'arr'])).join('');
  }
  const chars = [...VALID];
  const edits = 1 + Math.floor(random() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * chars.length);
    const op = Math.floor(random() * 3);
    if (op === 0) chars[at] = pick(NOISE);
    else if (op === 1) chars.splice(at, 1);
    else chars.splice(at, 0, pick(NOISE));
  }
  return chars.join('');
}

describe('the CSV reader under random and mutated input', () => {
  it('returns rows or validation errors for 2,000 files, never anything else', async () => {
    const random = rng(6);
    const outcomes = { ok: 0, rejected: 0 };
    for (let i = 0; i < 2000; i++) {
      const text = mutate(random);
      const source = i % 2 ? Readable.from([Buffer.from(text)]) : text;
      try {
        const result = await read(source);
        for (const row of result.rows) {
          for (const v of Object.values(row.fields)) {
            if (typeof v === 'string') expect(badText(v)).toBeUndefined();
          }
        }
        outcomes.ok++;
      } catch (error) {
        expect(error, `${JSON.stringify(text)}: ${String(error)}`).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('validation_failed');
        outcomes.rejected++;
      }
    }
    expect(outcomes.ok).toBeGreaterThan(100);
    expect(outcomes.rejected).toBeGreaterThan(100);
  });

  it('names the line and column of a stray quote', async () => {
    for (const source of [
      'name,arr\nAcme,1\nab"c,2\n',
      Readable.from([Buffer.from('name,arr\nAcme,1\nab"c,2\n')]),
    ]) {
      const error = await read(source).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).message).toMatch(
        /^The file is malformed at line 3, column 1 \("name"\): Invalid Opening Quote/,
      );
      expect((error as AppError).details).toMatchObject({ line: 3, column: 1 });
    }
  });

  it('turns a NUL in a cell into a row error; a lone surrogate cannot arrive in bytes', async () => {
    // The file is bytes decoded as UTF-8, so a lone surrogate written into it comes back as U+FFFD.
    const result = await read('name,arr,prop.plan\na\u0000b,1,pro\nok,2,x\uD800y\nfine,3,\uD83D\uDE00\n');
    expect(result.rows.map((r) => [r.fields.name, r.extra.plan])).toEqual([
      ['ok', 'x\uFFFDy'],
      ['fine', '\uD83D\uDE00'],
    ]);
    expect(result.errors).toEqual([
      { line: 2, field: 'name', column: 'name', message: 'contains a NUL character' },
    ]);
  });
});

describe('CSV import routes', () => {
  let t: TestApp;
  let w: TestWorkspace;
  beforeAll(async () => {
    t = await createTestApp();
    w = await createTestWorkspace(t.deps);
  });
  afterAll(async () => t?.close());

  const post = (path: string, csv: string) =>
    client(t.app, w.users.admin.token, { 'content-type': 'text/csv' }).post(path, csv);
  const accounts = async () =>
    Number(
      (
        await t.deps.db
          .selectFrom('accounts')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('workspace_id', '=', w.workspace.id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('answer a stray quote with 400 naming line and column, and write nothing', async () => {
    const csv = 'externalId,name\nS-1,Fine\nS-2,Str"ay\nS-3,Also fine\n';
    for (const path of ['/api/v1/imports/accounts', '/api/v1/requests/import', '/api/v1/imports/usage']) {
      const res = await post(path, csv);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(res.body.error.message).toMatch(/malformed at line 3, column 2/);
    }
    expect(await accounts()).toBe(0);
  });

  it('reject a NUL byte in a cell as a row error, the same on both engines', async () => {
    const res = await post('/api/v1/imports/accounts', 'externalId,name\nN-1,Fine\nN-2,Nu\u0000l\n');
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details.errors).toEqual([
      { line: 3, field: 'name', column: 'name', message: 'contains a NUL character' },
    ]);
    expect(await accounts()).toBe(0);
  });
});
