import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBoundaries, formatReport } from './check-boundaries.ts';

// A tiny project: two modules, `shop` (orders) and `people` (customers, notes), and a web folder.
const FIXTURE: Record<string, string> = {
  'src/db/schema.ts': `
import type { JobRunsTable } from '../jobs/job-runs.table.ts';
import type { CustomersTable, NotesTable } from '../modules/people/people.table.ts';
import type { OrdersTable } from '../modules/shop/shop.table.ts';
export interface Database {
  customers: CustomersTable;
  notes: NotesTable;
  orders: OrdersTable;
  job_runs: JobRunsTable;
}
`,
  'src/jobs/job-runs.table.ts': 'export interface JobRunsTable { id: string }\n',
  'src/modules/people/people.table.ts':
    'export interface CustomersTable { id: string; name: string }\nexport interface NotesTable { id: string }\n',
  'src/modules/shop/shop.table.ts': 'export interface OrdersTable { id: string; customer_id: string }\n',
  // people reads its own tables, and names "orders" only as a column alias and in prose.
  'src/modules/people/people.ts': `
import { sql } from 'kysely';
import type { Order } from '../shop/orders.ts';
export const customerName = (db: any, id: string) =>
  db.selectFrom('customers as c').select(sql\`c.name\`.as('orders')).where('c.id', '=', id);
export const pending: Order[] = [];
// The orders table belongs to shop: from orders we only read through its helpers.
export const notes = (db: any) => db.selectFrom('notes').selectAll();
`,
  // shop queries people's table four ways and closes a cycle with people through a type import.
  'src/modules/shop/orders.ts': `
import { sql } from 'kysely';
import type { customerName } from '../people/people.ts';
export type Order = { id: string; name: ReturnType<typeof customerName> };
export const withCustomer = (db: any) =>
  db
    .selectFrom('orders')
    .innerJoin('customers as c', 'c.id', 'orders.customer_id')
    .selectAll();
export const count = (db: any) => sql\`select count(*)
  from orders o join customers c on c.id = o.customer_id\`.execute(db);
export async function wipe(db: any, table: 'notes' | 'orders') {
  await db.deleteFrom(table).execute();
  for (const t of ['notes', 'customers'] as const) await db.deleteFrom(t).execute();
  await db.selectFrom('job_runs').selectAll().execute();
  return Array.from([1]);
}
`,
  // The demo calls modules; a module must not import it (not even a type).
  'src/demo/demo.ts':
    "import { notes } from '../modules/people/people.ts';\nexport type Seed = number;\nexport const run = notes;\n",
  'src/modules/people/seeded.ts':
    "import type { Seed } from '../../demo/demo.ts';\nexport const seed: Seed = 1;\n",
  // Tests may arrange any table.
  'src/modules/shop/orders.test.ts': "export const arrange = (db: any) => db.insertInto('customers');\n",
  // web: a three-file loop through a dynamic import, and a file outside it.
  'web/src/App.tsx': "import { Page } from './Page.tsx';\nexport const App = () => Page;\n",
  'web/src/Page.tsx':
    "import { lazy } from 'react';\nexport const Page = lazy(() => import('./Chart.tsx'));\n",
  'web/src/Chart.tsx': "import type { App } from './App.tsx';\nexport default (a: typeof App) => a;\n",
  'web/src/format.ts': "import { App } from './App.tsx';\nexport const f = App;\n",
};

let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'boundaries-'));
  for (const [path, text] of Object.entries(FIXTURE)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('checkBoundaries', () => {
  it('finds an import cycle closed by a type import and one closed by a dynamic import', () => {
    const { cycles } = checkBoundaries(root);
    expect(cycles.map((c) => c.files)).toEqual([
      ['src/modules/people/people.ts', 'src/modules/shop/orders.ts'],
      ['web/src/App.tsx', 'web/src/Chart.tsx', 'web/src/Page.tsx'],
    ]);
    expect(cycles[1].example).toEqual([
      'web/src/App.tsx',
      'web/src/Page.tsx',
      'web/src/Chart.tsx',
      'web/src/App.tsx',
    ]);
  });

  it("reports each query on another module's table with file, line, module, table and owner", () => {
    const { violations } = checkBoundaries(root);
    expect(violations).toEqual([
      {
        file: 'src/modules/shop/orders.ts',
        line: 8,
        module: 'shop',
        table: 'customers',
        owner: 'people',
        via: 'innerJoin',
      },
      {
        file: 'src/modules/shop/orders.ts',
        line: 11,
        module: 'shop',
        table: 'customers',
        owner: 'people',
        via: 'sql',
      },
      {
        file: 'src/modules/shop/orders.ts',
        line: 13,
        module: 'shop',
        table: 'notes',
        owner: 'people',
        via: 'deleteFrom',
      },
      {
        file: 'src/modules/shop/orders.ts',
        line: 14,
        module: 'shop',
        table: 'notes',
        owner: 'people',
        via: 'deleteFrom',
      },
      {
        file: 'src/modules/shop/orders.ts',
        line: 14,
        module: 'shop',
        table: 'customers',
        owner: 'people',
        via: 'deleteFrom',
      },
    ]);
  });

  it('reports a module importing the demo', () => {
    expect(checkBoundaries(root).demoImports).toEqual([
      { file: 'src/modules/people/seeded.ts', line: 1, imports: '../../demo/demo.ts' },
    ]);
  });

  it('prints the cycles and the violations grouped by module, with a count per module pair', () => {
    const text = formatReport(checkBoundaries(root));
    expect(text).toContain('Import cycles: 2');
    expect(text).toContain("Queries on another module's tables: 5 in 1 module pairs");
    expect(text).toContain('src/modules/shop/orders.ts:8  innerJoin customers (owner: people)');
    expect(text).toContain('shop -> people: 5');
    expect(text).toContain(
      'Modules importing the demo: 1\n  src/modules/people/seeded.ts:1  imports ../../demo/demo.ts',
    );
  });

  it('passes a project without cycles or foreign queries', () => {
    const clean = mkdtempSync(join(tmpdir(), 'boundaries-clean-'));
    try {
      for (const path of [
        'src/db/schema.ts',
        'src/modules/people/people.table.ts',
        'src/modules/shop/shop.table.ts',
      ]) {
        mkdirSync(dirname(join(clean, path)), { recursive: true });
        writeFileSync(join(clean, path), FIXTURE[path]);
      }
      writeFileSync(
        join(clean, 'src/modules/shop/orders.ts'),
        "export const q = (db: any) => db.selectFrom('orders');\n",
      );
      expect(checkBoundaries(clean)).toEqual({ cycles: [], violations: [], demoImports: [] });
    } finally {
      rmSync(clean, { recursive: true, force: true });
    }
  });
});
