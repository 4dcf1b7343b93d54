// Which accounts a free condition matches today, for the accounts list's `where` filter: the
// evaluation batch the recompute and every preview read, so the list, a segment preview and the
// next recompute agree. Loads every account's facts (seconds on 20,000 accounts): the list calls it
// only when a condition is given.
import type { Ctx } from '../../context.ts';
import { invalid } from '../../errors.ts';
import { today } from '../../time.ts';
import type { AccountStateSource } from '../accounts/index.ts';
import { evaluateCondition, loadEvaluationBatch } from '../facts/index.ts';
import { accountStateColumns } from '../state/index.ts';
import { BodyChecker, loadCatalogueMap } from './compile.ts';

/** Ids of the accounts `input` (a condition as text or JSON) matches; a bad one is a 400 naming `path`. */
export async function accountsMatching(ctx: Ctx, input: unknown, path: string): Promise<ReadonlySet<string>> {
  const checker = new BodyChecker(await loadCatalogueMap(ctx));
  const condition = checker.condition(input, path);
  const first = checker.issues[0];
  // A query parameter, not a body: the 400 names the parameter and the problem.
  if (first || !condition)
    throw invalid(`Invalid condition in ${first?.path ?? path}: ${first?.message ?? 'not a condition'}`, {
      issues: checker.issues,
    });
  const { facts, env } = await loadEvaluationBatch(ctx, today(ctx), [condition]);
  const out = new Set<string>();
  for (const [id, f] of facts) if (evaluateCondition(condition, f, env(id))) out.add(id);
  return out;
}

/** What `listAccounts` reads the state through: the state module's columns and this matching. */
export const accountListState: AccountStateSource = { ...accountStateColumns, matching: accountsMatching };
