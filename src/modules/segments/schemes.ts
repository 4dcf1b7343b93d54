import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation, parseJson } from '../../db/dialect.ts';
import { duplicateKey, notFound } from '../../errors.ts';
import { type Locale, msg } from '../../i18n/index.ts';
import { localeOf } from '../../i18n/request-locale.ts';
import { newId } from '../../ids.ts';
import { nowIso, today } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { closestKeys } from '../facts/condition-check.ts';
import { conditionToText } from '../facts/condition-text.ts';
import { loadEvaluationBatch } from '../facts/evaluation-batch.ts';
import { clearStateOverride, loadOverrides, type OverrideSpec, setStateOverride } from '../state/index.ts';
import { BodyChecker, loadCatalogueMap } from './compile.ts';
import { type Label, labelOf, namesOnWrite, tierLabel } from './labels.ts';
import { assignTier, compareText, schemeTiers, type TieringRules, type TierRule } from './rules.ts';
import {
  CreateTieringScheme,
  PreviewTieringScheme,
  SetTierOverride,
  type TieringPreview,
  type TieringScheme,
  type TierRuleInput,
  UpdateTieringScheme,
} from './segments.schemas.ts';
import type { TieringSchemesTable } from './segments.table.ts';
import { DEFAULT_SCHEME, SCHEME_TEMPLATES } from './templates.ts';

/** A scheme as the recompute pipeline uses it: checked rules, ready for `assignTier`. */
export type LoadedScheme = TieringRules & { id: string; key: string; name: string; rules: TierRule[] };

const ruleOut = (rule: TierRule) =>
  rule.when ? { ...rule, whenText: conditionToText(rule.when) } : { ...rule };

const schemeBody = (r: TieringSchemesTable, rules: TierRule[]) => ({
  rules: rules.map(ruleOut),
  defaultTier: r.default_tier,
  active: r.active === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const schemeRowToScheme = (r: TieringSchemesTable, locale: Locale): TieringScheme => {
  const label = labelOf(r.name, r.label);
  const rules = parseJson<TierRule[]>(r.rules, []);
  const tierLabels = parseJson<Record<string, Label>>(r.tier_labels ?? '{}', {});
  return {
    id: r.id,
    key: r.key,
    name: label[locale],
    label,
    tiers: (schemeTiers({ rules, defaultTier: r.default_tier }) ?? []).map((key) => {
      const l = tierLabel(key, tierLabels);
      return { key, name: l[locale], label: l };
    }),
    tierLabels,
    ...schemeBody(r, rules),
  };
};

const rowToLoaded = (r: TieringSchemesTable): LoadedScheme => ({
  id: r.id,
  key: r.key,
  name: r.name,
  rules: parseJson<TierRule[]>(r.rules, []),
  defaultTier: r.default_tier,
});

/** Facts recompute assigns at or after the tier (facts -> health -> tier -> stage -> segments). */
const AFTER_TIER = ['tier', 'stage', 'days_in_stage', 'segments'];

/**
 * Checks every rule against the catalogue: conditions compile (text or JSON), composite parts name
 * single-valued facts, and bands sit on number facts. A tier rule may not read the tier (nor rank
 * within it), nor stage or segments: they are what it computes or come after it.
 */
export function compileRules(
  checker: BodyChecker,
  rules: readonly TierRuleInput[],
  base = 'rules',
): TierRule[] {
  return rules.map((r, i): TierRule => {
    const path = `${base}.${i}`;
    const when =
      r.when === undefined
        ? undefined
        : checker.condition(r.when, `${path}.when`, AFTER_TIER, msg('cond.why.tier'));
    if (r.composite === undefined) return { tier: r.tier!, when: when! };
    r.composite.forEach((part, j) => {
      const key = typeof part === 'string' ? part : part.fact;
      const at = typeof part === 'string' ? `${path}.composite.${j}` : `${path}.composite.${j}.fact`;
      const def = checker.catalogue.get(key);
      if (!def) {
        const near = closestKeys(key, [...checker.catalogue.keys()]);
        const unknown = msg('cond.unknownFact', { key });
        checker.fail(
          at,
          near.length
            ? msg('cond.withHint', {
                message: unknown,
                hint: msg('cond.hint.didYouMean', { keys: near.join(', ') }),
              })
            : unknown,
        );
      } else if (AFTER_TIER.includes(key)) {
        checker.fail(at, msg('cond.cannotRead', { why: msg('cond.why.tier'), key }));
      } else if (typeof part !== 'string' && def.type !== 'number') {
        checker.fail(
          at,
          msg('cond.bandsNeedNumber', {
            key,
            kind: msg(def.type === 'string[]' ? 'cond.kind.list' : `cond.kind.${def.type}`),
          }),
        );
      } else if (def.type === 'string[]') {
        checker.fail(at, msg('cond.compositeList', { key }));
      }
    });
    return {
      composite: r.composite,
      ...(when ? { when } : {}),
      ...(r.missing !== undefined ? { missing: r.missing } : {}),
    };
  });
}

async function checkRules(ctx: Ctx, rules: readonly TierRuleInput[]): Promise<TierRule[]> {
  const checker = new BodyChecker(await loadCatalogueMap(ctx));
  const compiled = compileRules(checker, rules);
  checker.done();
  return compiled;
}

async function getSchemeRow(ctx: Ctx, idOrKey: string): Promise<TieringSchemesTable> {
  const row = await ctx.db
    .selectFrom('tiering_schemes')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  if (!row) throw notFound('Tiering scheme', idOrKey);
  return row;
}

/**
 * The scheme that assigns the `tier` fact, if any. Activation deactivates the others in its
 * transaction; should two activations still race (two new schemes inserted at once, neither
 * seeing the other), the most recently changed active scheme wins, so the answer is stable.
 */
export async function loadActiveScheme(ctx: Ctx): Promise<LoadedScheme | undefined> {
  const row = await ctx.db
    .selectFrom('tiering_schemes')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('active', '=', 1)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? rowToLoaded(row) : undefined;
}

/** Makes `id` the only active scheme; call inside the transaction that activates it. */
async function deactivateOthers(tx: Ctx, id: string, now: string): Promise<void> {
  const others = await tx.db
    .updateTable('tiering_schemes')
    .set({ active: 0, updated_at: now })
    .where('workspace_id', '=', tx.workspace.id)
    .where('id', '!=', id)
    .where('active', '=', 1)
    .returning(['id', 'key'])
    .execute();
  for (const o of others) {
    await writeAudit(tx, {
      action: 'tiering_scheme.deactivated',
      entityType: 'tiering_scheme',
      entityId: o.id,
      after: { key: o.key, active: false, activated: id },
    });
  }
}

export async function listTieringSchemes({ ctx }: { ctx: Ctx; input?: unknown }) {
  await authorize(ctx, 'read');
  const rows = await ctx.db
    .selectFrom('tiering_schemes')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('key')
    .execute();
  return { items: rows.map((r) => schemeRowToScheme(r, localeOf(ctx))), nextCursor: null };
}

export async function getTieringScheme({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'read');
  return schemeRowToScheme(await getSchemeRow(ctx, id), localeOf(ctx));
}

export async function createTieringScheme({ ctx, input }: { ctx: Ctx; input: CreateTieringScheme }) {
  await authorize(ctx, 'settings:write');
  const data = CreateTieringScheme.parse(input);
  const rules = await checkRules(ctx, data.rules);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const row: TieringSchemesTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      key: data.key,
      ...namesOnWrite(localeOf(tx), data),
      tier_labels: data.tierLabels ? JSON.stringify(data.tierLabels) : null,
      rules: JSON.stringify(rules),
      default_tier: data.defaultTier,
      active: data.active ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('tiering_schemes').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateKey('Tiering scheme', data.key);
      throw error;
    }
    if (data.active) await deactivateOthers(tx, row.id, now);
    const scheme = schemeRowToScheme(row, localeOf(tx));
    await writeAudit(tx, {
      action: 'tiering_scheme.created',
      entityType: 'tiering_scheme',
      entityId: row.id,
      after: scheme,
    });
    return scheme;
  });
}

export async function updateTieringScheme({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateTieringScheme;
}) {
  await authorize(ctx, 'settings:write');
  const data = UpdateTieringScheme.parse(input);
  const rules = data.rules === undefined ? undefined : await checkRules(ctx, data.rules);
  return inTransaction(ctx, async (tx) => {
    const beforeRow = await getSchemeRow(tx, id);
    const before = schemeRowToScheme(beforeRow, localeOf(tx));
    const now = nowIso(tx);
    const after = await tx.db
      .updateTable('tiering_schemes')
      .set({
        ...namesOnWrite(localeOf(tx), data, beforeRow),
        tier_labels: data.tierLabels === undefined ? undefined : JSON.stringify(data.tierLabels),
        rules: rules === undefined ? undefined : JSON.stringify(rules),
        default_tier: data.defaultTier,
        active: data.active === undefined ? undefined : data.active ? 1 : 0,
        updated_at: now,
      })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (data.active) await deactivateOthers(tx, before.id, now);
    const scheme = schemeRowToScheme(after, localeOf(tx));
    await writeAudit(tx, {
      action: 'tiering_scheme.updated',
      entityType: 'tiering_scheme',
      entityId: scheme.id,
      before,
      after: scheme,
    });
    return scheme;
  });
}

/** Deleting the active scheme leaves none active: tiers then come from overrides only. */
export async function deleteTieringScheme({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const before = schemeRowToScheme(await getSchemeRow(tx, id), localeOf(tx));
    await tx.db
      .deleteFrom('tiering_schemes')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .execute();
    await writeAudit(tx, {
      action: 'tiering_scheme.deleted',
      entityType: 'tiering_scheme',
      entityId: before.id,
      before,
    });
  });
}

export async function listSchemeTemplates({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'read');
  return {
    items: SCHEME_TEMPLATES.map((t) => ({
      ...t,
      name: t.label[localeOf(ctx)],
      description: t.description[localeOf(ctx)],
      rules: t.rules.map(ruleOut),
    })),
    nextCursor: null,
  };
}

/**
 * Installs the default strategic / growth / nurture scheme as the active one, unless the workspace
 * already has a scheme. Returns it, or undefined when nothing was installed.
 */
export async function installDefaultScheme(ctx: Ctx): Promise<TieringScheme | undefined> {
  return inTransaction(ctx, async (tx) => {
    const any = await tx.db
      .selectFrom('tiering_schemes')
      .select('id')
      .where('workspace_id', '=', tx.workspace.id)
      .executeTakeFirst();
    if (any) return undefined;
    const { key, name, label, rules, defaultTier } = DEFAULT_SCHEME;
    return createTieringScheme({
      ctx: tx,
      input: { key, name, label, rules: rules as TierRuleInput[], defaultTier, active: true },
    });
  });
}

/**
 * What-if: the tiers this scheme would give every account today, writing nothing. Valid manual
 * overrides still win (as they would once the scheme is active); `moves` compares with each
 * account's current tier from the last recompute.
 */
export async function previewTieringScheme({ ctx, input }: { ctx: Ctx; input: PreviewTieringScheme }) {
  await authorize(ctx, 'settings:write');
  const data = PreviewTieringScheme.parse(input);
  const scheme: TieringRules = { rules: await checkRules(ctx, data.rules), defaultTier: data.defaultTier };
  const { day, facts, env } = await loadEvaluationBatch(
    ctx,
    today(ctx),
    scheme.rules.map((r) => r.when),
  );
  const overrides = (await loadOverrides(ctx, day)).tier;

  // Every tier the rules name appears, in rule order, even with no account; composite labels and
  // override values that no rule names follow in alphabetical order.
  const known = schemeTiers(scheme) ?? [];
  const counts = new Map<string, number>(known.map((t) => [t, 0]));
  const moves: TieringPreview['moves']['items'] = [];
  let moved = 0;
  let overridden = 0;
  for (const [accountId, f] of facts) {
    const manual = overrides.get(accountId);
    if (manual) overridden++;
    const tier = manual?.value ?? assignTier(scheme, f, env(accountId));
    counts.set(tier, (counts.get(tier) ?? 0) + 1);
    const from = typeof f.tier === 'string' ? f.tier : null;
    if (from === tier) continue;
    moved++;
    moves.push({ accountId, name: String(f.name ?? ''), from, to: tier });
  }
  moves.sort((a, b) => compareText(a.name, b.name) || compareText(a.accountId, b.accountId));
  const preview: TieringPreview = {
    day,
    accounts: facts.size,
    counts: [...counts]
      .sort(([a], [b]) => rank(known, a) - rank(known, b) || compareText(a, b))
      .map(([tier, count]) => ({ tier, count })),
    overridden,
    moves: { total: moved, items: moves.slice(0, data.limit) },
  };
  return preview;
}

const rank = (known: readonly string[], tier: string) => {
  const i = known.indexOf(tier);
  return i === -1 ? known.length : i;
};

const TIER_OVERRIDE: OverrideSpec = {
  kind: 'tier',
  field: 'tier',
  noun: 'Tier',
  // Plain schemes name every tier they can give, so a typo is caught; composite labels are open.
  check: async (tx, value) => {
    const scheme = await loadActiveScheme(tx);
    const tiers = scheme ? schemeTiers(scheme) : null;
    if (!scheme || !tiers || tiers.includes(value)) return undefined;
    return msg('error.unknownTier', { value, scheme: scheme.key, tiers: tiers.join(', ') });
  },
  ruleValue: async (tx, accountId, day) => {
    const scheme = await loadActiveScheme(tx);
    if (!scheme) return null;
    const batch = await loadEvaluationBatch(
      tx,
      day,
      scheme.rules.map((r) => r.when),
      { accountIds: [accountId] },
    );
    return assignTier(scheme, batch.facts.get(accountId) ?? {}, batch.env(accountId));
  },
};

export async function setTierOverride({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: SetTierOverride;
}) {
  const data = SetTierOverride.parse(input);
  return setStateOverride(ctx, accountId, TIER_OVERRIDE, {
    value: data.tier,
    reason: data.reason,
    expiresOn: data.expiresOn,
  });
}

export async function clearTierOverride({ ctx, accountId }: { ctx: Ctx; accountId: string }) {
  await clearStateOverride(ctx, accountId, TIER_OVERRIDE);
}
