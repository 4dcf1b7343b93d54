import type { Ctx } from '../../context.ts';
import { type Issue, invalidIssues } from '../../errors.ts';
import { type Message, msg } from '../../i18n/index.ts';
import { loadCatalogue } from '../facts/catalogue.ts';
import { type Catalogue, type Condition, ConditionError } from '../facts/condition.ts';
import { compileCondition } from '../facts/condition-check.ts';

export async function loadCatalogueMap(ctx: Ctx): Promise<Catalogue> {
  return new Map((await loadCatalogue(ctx)).map((f) => [f.key, f]));
}

/**
 * Compiles the conditions of one request body against the catalogue, collecting every problem so
 * the 400 names each field (`rules.2.when: Unknown fact "arrr" at line 1, column 1 ...`).
 */
export class BodyChecker {
  readonly issues: Issue[] = [];
  constructor(readonly catalogue: Catalogue) {}

  /** Text or JSON at `path` -> a checked tree (undefined when it failed; see `issues`). */
  condition(
    input: unknown,
    path: string,
    forbidden: readonly string[] = [],
    why?: Message,
  ): Condition | undefined {
    try {
      const c = compileCondition(input, this.catalogue);
      for (const key of readsOf(c)) {
        if (forbidden.includes(key)) {
          this.fail(path, msg('cond.cannotRead', { why: why ?? msg('cond.cannotReadKey', { key }), key }));
        }
      }
      return c;
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      // Trees say where inside them the problem is; text says line and column in the message.
      const inner = typeof input !== 'string' && error.path ? `.${error.path}` : '';
      this.fail(`${path}${inner}`, error.text);
      return undefined;
    }
  }

  fail(path: string, message: string | Message): void {
    this.issues.push({ path, message });
  }

  /** Throws the collected issues as one 400 naming the first. */
  done(): void {
    if (this.issues.length) throw invalidIssues(this.issues);
  }
}

/** Fact keys a condition reads, with `tier` for a percentile ranked within the tier. */
function readsOf(c: Condition): string[] {
  const keys = new Set<string>();
  const walk = (node: Condition): void => {
    if ('and' in node) node.and.forEach(walk);
    else if ('or' in node) node.or.forEach(walk);
    else if ('not' in node) walk(node.not);
    else if ('percentile' in node) {
      keys.add(node.percentile);
      if (node.within === 'tier') keys.add('tier');
    } else keys.add(node.fact);
  };
  walk(c);
  return [...keys];
}
