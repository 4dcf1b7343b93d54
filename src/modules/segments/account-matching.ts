// Which accounts a free condition matches today, for the accounts list's `where` filter: the
// evaluation batch the recompute and every preview read, so the list, a segment preview and the
// next recompute agree. Loads every account's facts (seconds on 20,000 accounts): the list calls it
// only when a condition is given.
import type { Ctx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { today } from '../../time.ts';
import type { AccountStateSource } from '../accounts/index.ts';
import { evaluateCondition, loadEvaluationBatch } from '../facts/index.ts';
import { accountStateColumns } from '../state/index.ts';
import { BodyChecker, loadCatalogueMap } from './compile.ts';
import { loadActiveScheme } from './schemes.ts';

/** Ids of the accounts `input` (a condition as text or JSON) matches; a bad one is a 400 naming `path`. */
export async function accountsMatching(ctx: Ctx, input: unknown, path: string): Promise<ReadonlySet<string>> {
  const checker = new BodyChecker(await loadCatalogueMap(ctx));
  const condition = checker.condition(input, path);
  const first = checker.issues[0];
  // A query parameter, not a body: the 400 names the parameter and the problem.
  if (first || !condition)
    throw new AppError(
      'validation_failed',
      msg('list.badCondition', {
        path: first?.path ?? path,
        problem: first?.message ?? msg('list.notACondition'),
      }),
      { issues: checker.issues },
    );
  const { facts, env } = await loadEvaluationBatch(ctx, today(ctx), [condition]);
  const out = new Set<string>();
  for (const [id, f] of facts) if (evaluateCondition(condition, f, env(id))) out.add(id);
  return out;
}

/**
 * The tiers of the active scheme in its rule order (best first), then its default; composite
 * labels, which no list enumerates, sort alphabetically among themselves after them.
 */
export async function tierOrder(ctx: Ctx): Promise<string[]> {
  const scheme = await loadActiveScheme(ctx);
  if (!scheme) return [];
  const out: string[] = [];
  for (const rule of scheme.rules) if ('tier' in rule && !out.includes(rule.tier)) out.push(rule.tier);
  if (!out.includes(scheme.defaultTier)) out.push(scheme.defaultTier);
  return out;
}

/**
 * What `listAccounts` reads the state through: the state module's columns, this matching and the
 * tier order. The stage order is lifecycle's, which imports this module: lifecycle completes it
 * (`lifecycle/account-list-state.ts`).
 */
export const accountListBase: Omit<AccountStateSource, 'order'> & { tierOrder: typeof tierOrder } = {
  ...accountStateColumns,
  matching: accountsMatching,
  tierOrder,
};
