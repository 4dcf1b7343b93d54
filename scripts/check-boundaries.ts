// npm run check:boundaries — fails (exit 1) on
//   (a) an import cycle among the files of src/ and web/src/: static imports, `import type`,
//       re-exports and dynamic import('./x.ts') all count, since a cycle dodged with a type-only or a
//       dynamic import is still two files that cannot be understood or changed apart;
//   (b) a module under src/modules/<m>/ querying a table another module owns. A table's owner is the
//       module whose `*.table.ts` declares the interface that src/db/schema.ts maps the table name
//       to; a query is a Kysely builder call naming the table (selectFrom, insertInto, updateTable,
//       deleteFrom, replaceInto, mergeInto, the joins, `using`, an update's `from`, sql.table) or a
//       raw sql`...` template naming it after from / join / into / update;
//   (c) a module importing the demo (src/demo/): the demo calls the modules, never the reverse.
// The files are parsed with the TypeScript compiler's parser (syntax only, no type check: the whole
// run takes about a second). A table passed as a variable is resolved when the variable is declared
// in the same file with literal values (`for (const t of ['a', 'b'] as const)`, `t: 'a' | 'b'`).
// Unit tests (*.test.ts) may arrange any table's rows and are not checked for (b).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export type ImportCycle = {
  /** Every file of the strongly connected group, relative to the root. */
  files: string[];
  /** One shortest loop through the group, first file repeated at the end. */
  example: string[];
};

export type TableViolation = {
  file: string;
  line: number;
  module: string;
  table: string;
  owner: string;
  /** How the table is named there: `selectFrom`, `innerJoin`, `sql`... */
  via: string;
};

export type DemoImport = { file: string; line: number; imports: string };

export type BoundaryReport = {
  cycles: ImportCycle[];
  violations: TableViolation[];
  demoImports: DemoImport[];
};

const SOURCE = /\.(ts|tsx|mts)$/;
const TEST = /\.(test|spec)\.tsx?$/;

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'dist') out.push(...listFiles(path));
    } else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function parse(path: string): ts.SourceFile {
  const kind = path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, kind);
}

const lineOf = (file: ts.SourceFile, node: ts.Node) =>
  file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;

// ---------------------------------------------------------------------------------------------
// Import cycles

/** Relative specifiers of every import, re-export and literal dynamic import in the file, with lines. */
export function importSpecifiers(file: ts.SourceFile): { specifier: string; line: number }[] {
  const out: { specifier: string; line: number }[] = [];
  const add = (literal: ts.StringLiteralLike) =>
    out.push({ specifier: literal.text, line: lineOf(file, literal) });
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length > 0 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      // `import('./x.ts').Type` in a type position.
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) add(literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out.filter((s) => s.specifier.startsWith('.'));
}

function resolveImport(known: Set<string>, from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    base.replace(/\.m?js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ];
  return candidates.find((c) => known.has(c));
}

/** Tarjan's strongly connected components; every group of two or more files (or a self-import) is a cycle. */
export function findImportCycles(root: string, dirs: string[]): ImportCycle[] {
  const files = dirs.flatMap((d) => listFiles(resolve(root, d)));
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const targets = importSpecifiers(parse(f))
      .map((s) => resolveImport(known, f, s.specifier))
      .filter((t): t is string => t !== undefined);
    edges.set(f, [...new Set(targets)]);
  }

  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  // Iterative, so a long import chain cannot overflow the call stack.
  for (const start of files) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const out = edges.get(frame.node) ?? [];
      if (frame.next < out.length) {
        const w = out[frame.next++];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const group: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          group.push(w);
        } while (w !== frame.node);
        const selfImport = (edges.get(frame.node) ?? []).includes(frame.node);
        if (group.length > 1 || selfImport) groups.push(group);
      }
    }
  }

  const rel = (p: string) => relative(root, p).split(sep).join('/');
  return groups
    .map((group) => {
      const members = new Set(group);
      const first = [...group].sort()[0];
      return { files: group.map(rel).sort(), example: shortestLoop(first, members, edges).map(rel) };
    })
    .sort((a, b) => a.files[0].localeCompare(b.files[0]));
}

function shortestLoop(start: string, members: Set<string>, edges: Map<string, string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = previous.get(u)!) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

// ---------------------------------------------------------------------------------------------
// Table ownership

/** Table name -> owning module (`accounts`), or the owning folder outside modules (`src/jobs`). */
export function tableOwners(root: string): Map<string, string> {
  const schemaPath = join(root, 'src/db/schema.ts');
  const schema = parse(schemaPath);
  const typeHome = new Map<string, string>();
  for (const statement of schema.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const path = relative(root, resolve(dirname(schemaPath), statement.moduleSpecifier.text))
      .split(sep)
      .join('/');
    const module = /^src\/modules\/([^/]+)\//.exec(path)?.[1] ?? dirname(path);
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings))
      for (const element of bindings.elements) typeHome.set(element.name.text, module);
  }
  const owners = new Map<string, string>();
  for (const statement of schema.statements) {
    if (!ts.isInterfaceDeclaration(statement) || statement.name.text !== 'Database') continue;
    for (const member of statement.members) {
      if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeReferenceNode(member.type)) continue;
      const name = ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : '';
      const owner = typeHome.get(member.type.typeName.getText(schema));
      if (name && owner) owners.set(name, owner);
    }
  }
  return owners;
}

// Builder methods whose first argument names a table. `from` is an update's extra tables
// (UPDATE ... FROM), `using` a delete's or a merge's; `table` is sql.table('x').
const TABLE_METHODS = new Set([
  'selectFrom',
  'insertInto',
  'updateTable',
  'deleteFrom',
  'replaceInto',
  'mergeInto',
  'innerJoin',
  'leftJoin',
  'rightJoin',
  'fullJoin',
  'crossJoin',
  'innerJoinLateral',
  'leftJoinLateral',
  'crossJoinLateral',
  'using',
  'from',
  'table',
]);
const SQL_TABLE = /\b(?:from|join|into|update)\s+"?([a-z_][a-z0-9_]*)"?/gi;

/** `'accounts as a'` -> `accounts`. */
const tableName = (text: string) => text.trim().split(/\s+/)[0];

/** The string values an argument can take: literals, arrays of them, or a same-file declaration. */
function literalValues(file: ts.SourceFile, node: ts.Expression, depth = 0): string[] {
  if (depth > 3) return [];
  if (ts.isStringLiteralLike(node)) return [node.text];
  if (ts.isArrayLiteralExpression(node))
    return node.elements.flatMap((e) => (ts.isExpression(e) ? literalValues(file, e, depth + 1) : []));
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node) || ts.isSatisfiesExpression(node))
    return literalValues(file, node.expression, depth + 1);
  if (ts.isConditionalExpression(node))
    return [
      ...literalValues(file, node.whenTrue, depth + 1),
      ...literalValues(file, node.whenFalse, depth + 1),
    ];
  if (ts.isIdentifier(node)) return identifierValues(file, node, depth);
  return [];
}

function typeValues(type: ts.TypeNode): string[] {
  if (ts.isUnionTypeNode(type)) return type.types.flatMap(typeValues);
  if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return [type.literal.text];
  if (ts.isParenthesizedTypeNode(type)) return typeValues(type.type);
  return [];
}

/** Finds the nearest declaration of the identifier in the enclosing scopes of the same file. */
function identifierValues(file: ts.SourceFile, use: ts.Identifier, depth: number): string[] {
  const name = use.text;
  const fromBinding = (decl: ts.VariableDeclaration | ts.ParameterDeclaration): string[] | undefined => {
    if (!ts.isIdentifier(decl.name) || decl.name.text !== name) return undefined;
    if (decl.type) return typeValues(decl.type);
    const parent = decl.parent;
    // for (const t of [...]) binds t to each element of the iterated list.
    if (ts.isVariableDeclarationList(parent) && ts.isForOfStatement(parent.parent))
      return literalValues(file, parent.parent.expression, depth + 1);
    return decl.initializer ? literalValues(file, decl.initializer, depth + 1) : [];
  };
  for (let scope: ts.Node | undefined = use.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      for (const p of scope.parameters) {
        const found = fromBinding(p);
        if (found) return found;
      }
    }
    if (
      (ts.isForOfStatement(scope) || ts.isForStatement(scope) || ts.isForInStatement(scope)) &&
      scope.initializer &&
      ts.isVariableDeclarationList(scope.initializer)
    ) {
      for (const d of scope.initializer.declarations) {
        const found = fromBinding(d);
        if (found) return found;
      }
    }
    if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope)) {
      for (const statement of scope.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        for (const d of statement.declarationList.declarations) {
          const found = fromBinding(d);
          if (found) return found;
        }
      }
    }
  }
  return [];
}

/** Every table a file names in a query, with the line and how. */
export function tablesQueried(file: ts.SourceFile, known: Set<string>) {
  const out: { table: string; line: number; via: string }[] = [];
  const add = (table: string, line: number, via: string) => {
    if (known.has(table)) out.push({ table, line, via });
  };
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      TABLE_METHODS.has(node.expression.name.text) &&
      node.arguments.length > 0
    ) {
      const method = node.expression.name.text;
      // sql.table('x') is the only `table` call that names one; `.from` on anything but an
      // update builder chain is ordinary code (Array.from, Buffer.from).
      const receiver = node.expression.expression;
      const relevant =
        method === 'table'
          ? ts.isIdentifier(receiver) && receiver.text === 'sql'
          : method === 'from'
            ? /\bupdateTable\s*\(/.test(receiver.getText(file))
            : true;
      if (relevant) {
        const line = lineOf(file, node.expression.name);
        for (const value of literalValues(file, node.arguments[0])) add(tableName(value), line, method);
      }
    } else if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === 'sql') {
      const template = node.template;
      const parts = ts.isNoSubstitutionTemplateLiteral(template)
        ? [template]
        : [template.head, ...template.templateSpans.map((s) => s.literal)];
      for (const part of parts) {
        const first = lineOf(file, part);
        for (const match of part.text.matchAll(SQL_TABLE)) {
          const line = first + (part.text.slice(0, match.index).match(/\n/g)?.length ?? 0);
          add(match[1].toLowerCase(), line, 'sql');
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

export function findTableViolations(root: string): TableViolation[] {
  const owners = tableOwners(root);
  const known = new Set(owners.keys());
  const modulesDir = join(root, 'src/modules');
  const violations: TableViolation[] = [];
  for (const path of listFiles(modulesDir)) {
    if (TEST.test(path)) continue;
    const rel = relative(root, path).split(sep).join('/');
    const module = rel.split('/')[2];
    const seen = new Set<string>();
    for (const q of tablesQueried(parse(path), known)) {
      const owner = owners.get(q.table)!;
      const key = `${q.line}:${q.table}`;
      // Tables outside the modules (src/jobs' job_runs) are infrastructure, not another module's.
      if (owner === module || owner.includes('/') || seen.has(key)) continue;
      seen.add(key);
      violations.push({ file: rel, line: q.line, module, table: q.table, owner, via: q.via });
    }
  }
  return violations;
}

/** Imports of anything under src/demo/ from a file under src/modules/. */
export function findDemoImports(root: string): DemoImport[] {
  const demo = join(root, 'src/demo') + sep;
  const out: DemoImport[] = [];
  for (const path of listFiles(join(root, 'src/modules'))) {
    for (const { specifier, line } of importSpecifiers(parse(path))) {
      if (!resolve(dirname(path), specifier).startsWith(demo)) continue;
      out.push({ file: relative(root, path).split(sep).join('/'), line, imports: specifier });
    }
  }
  return out;
}

export function checkBoundaries(root: string, dirs = ['src', 'web/src']): BoundaryReport {
  return {
    cycles: findImportCycles(root, dirs),
    violations: findTableViolations(root),
    demoImports: findDemoImports(root),
  };
}

export function formatReport(report: BoundaryReport): string {
  const lines: string[] = [];
  lines.push(`Import cycles: ${report.cycles.length}`);
  for (const c of report.cycles) {
    lines.push(`  ${c.files.length} files, e.g. ${c.example.join(' -> ')}`);
    for (const f of c.files) lines.push(`    ${f}`);
  }
  const pairs = new Map<string, number>();
  for (const v of report.violations) {
    const pair = `${v.module} -> ${v.owner}`;
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  lines.push(
    `Queries on another module's tables: ${report.violations.length} in ${pairs.size} module pairs (querying -> owner)`,
  );
  let module = '';
  for (const v of [...report.violations].sort(
    (a, b) => a.module.localeCompare(b.module) || a.file.localeCompare(b.file) || a.line - b.line,
  )) {
    if (v.module !== module) {
      module = v.module;
      lines.push(`  ${module}`);
    }
    lines.push(`    ${v.file}:${v.line}  ${v.via} ${v.table} (owner: ${v.owner})`);
  }
  if (pairs.size > 0) {
    lines.push('  by pair:');
    for (const [pair, n] of [...pairs].sort()) lines.push(`    ${pair}: ${n}`);
  }
  lines.push(`Modules importing the demo: ${report.demoImports.length}`);
  for (const d of report.demoImports) lines.push(`  ${d.file}:${d.line}  imports ${d.imports}`);
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(import.meta.dirname, '..');
  const report = checkBoundaries(root);
  console.log(formatReport(report));
  if (report.cycles.length > 0 || report.violations.length > 0 || report.demoImports.length > 0) {
    console.error('Boundary check failed: see the cycles, queries and demo imports above.');
    process.exitCode = 1;
  }
}
