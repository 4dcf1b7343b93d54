// Playbooks (seed 000: 分层 x 分周期): cadences per tier and stage. Each playbook covers the active
// accounts of one tier (and optionally some stages); its plays become rules the engine runs every
// day: a cadence play acts again `everyDays` after it last acted on an account (its cooldown), a
// conditional play whenever its condition holds, and the touch cadence raises a call task when an
// account has had no note, call, meeting or email for longer than the tier allows.

import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation, parseJson } from '../../db/dialect.ts';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { nowIso, today } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import type { Condition } from '../facts/condition.ts';
import { conditionToText } from '../facts/condition-text.ts';
import {
  type Action,
  CreatePlaybook,
  type ListPage,
  type Play,
  type Playbook,
  PlaybookDryRunInput,
  UpdatePlaybook,
} from './automation.schemas.ts';
import type { PlaybooksTable } from './automation.table.ts';
import { dropKeptEffect } from './effectiveness.ts';
import { dryRunSpec } from './engine.ts';
import { loadDayInputs, loadRulesBatch } from './inputs.ts';
import { checkRuleParts, listRunsOf } from './rules.ts';
import { nameParam, TOUCH_TITLE, touchDescription } from './template.ts';
import { matchRule, type RuleSpec } from './triggers.ts';

/** A conditional play without a cadence waits this long before acting on the same account again. */
export const CONDITIONAL_PLAY_COOLDOWN = 30;
const PLAYBOOK_MAX_ACTIONS = 1000;
export const TOUCH_PLAY = 'touch';

export const playbookRowToPlaybook = (r: PlaybooksTable): Playbook => ({
  id: r.id,
  key: r.key,
  name: r.name,
  description: r.description,
  tier: r.tier,
  stages: JSON.parse(r.stages),
  touchEveryDays: r.touch_every_days,
  // Each conditional play with its condition as text too (`whenText`), for editors; an update
  // takes either form back.
  plays: (JSON.parse(r.plays) as StoredPlay[]).map((p) =>
    p.when ? { ...p, whenText: conditionToText(p.when) } : p,
  ),
  holdoutPct: r.holdout_pct,
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

type StoredPlay = Omit<Play, 'when'> & { when?: Condition };

/** The accounts a playbook covers: active contracts, its tier, its stages. */
function coverage(p: Pick<PlaybooksTable, 'tier' | 'stages'>): Condition[] {
  const parts: Condition[] = [{ fact: 'contract_status', op: '=', value: 'active' }];
  if (p.tier) parts.push({ fact: 'tier', op: '=', value: p.tier });
  const stages = JSON.parse(p.stages) as string[];
  if (stages.length) parts.push({ fact: 'stage', op: 'in', value: stages });
  return parts;
}

/** The rules a playbook runs as: one per play, plus the touch cadence. */
export function playbookSpecs(r: PlaybooksTable): RuleSpec[] {
  const base = coverage(r);
  // One hold-out for the whole playbook: an account held out of it gets none of its plays.
  const holdout = { holdoutPct: r.holdout_pct, holdoutKey: r.id };
  const specs: RuleSpec[] = [];
  if (r.touch_every_days) {
    const n = r.touch_every_days;
    specs.push({
      id: `${r.id}#${TOUCH_PLAY}`,
      source: 'playbook',
      name: `${r.name} · touch every ${n} days`,
      nameMessage: msg('automation.touch.name', { playbook: nameParam(r.name), every: n }),
      trigger: { type: 'daily' },
      condition: {
        and: [
          ...base,
          {
            or: [
              { fact: 'days_since_last_touch', op: '>', value: n },
              { fact: 'days_since_last_touch', op: 'is empty' },
            ],
          },
        ],
      },
      actions: [
        {
          type: 'create_task',
          // Built-in texts: tasks store them as messages (template.ts), one language at a time, and
          // a never-touched account's task says "never contacted", not a number of days.
          title: TOUCH_TITLE,
          description: touchDescription(n),
          taskType: 'call',
          assignee: { role: 'owner' },
          priority: 'P2',
          dueInDays: 7,
        },
      ],
      cooldownDays: n,
      maxActionsPerRun: PLAYBOOK_MAX_ACTIONS,
      dedupe: true,
      ...holdout,
    });
  }
  for (const play of JSON.parse(r.plays) as StoredPlay[]) {
    specs.push({
      id: `${r.id}#${play.key}`,
      source: 'playbook',
      name: `${r.name} · ${play.name}`,
      nameMessage: msg('automation.playName', { playbook: nameParam(r.name), play: nameParam(play.name) }),
      trigger: { type: 'daily' },
      condition: { and: [...base, ...(play.when ? [play.when] : [])] },
      actions: [play.action],
      cooldownDays: play.everyDays ?? CONDITIONAL_PLAY_COOLDOWN,
      maxActionsPerRun: PLAYBOOK_MAX_ACTIONS,
      dedupe: true,
      ...holdout,
    });
  }
  return specs;
}

export async function loadPlaybookSpecs(ctx: Ctx): Promise<RuleSpec[]> {
  const rows = await ctx.db
    .selectFrom('playbooks')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('enabled', '=', 1)
    .orderBy('key')
    .execute();
  return rows.flatMap(playbookSpecs);
}

async function getPlaybookRow(ctx: Ctx, idOrKey: string): Promise<PlaybooksTable> {
  const row = await ctx.db
    .selectFrom('playbooks')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  if (!row)
    throw new AppError(
      'not_found',
      msg('error.notFoundId', { what: msg('automation.what.playbook'), id: idOrKey }),
    );
  return row;
}

/** Plays with their conditions compiled against the catalogue (every problem named by path). */
async function checkPlays(ctx: Ctx, plays: readonly Play[]): Promise<StoredPlay[]> {
  const out: StoredPlay[] = [];
  const keys = new Set<string>();
  for (const [i, play] of plays.entries()) {
    if (keys.has(play.key)) {
      throw new AppError(
        'validation_failed',
        msg('automation.error.playKeyTaken', { index: i, key: play.key }),
        {
          issues: [{ path: `plays.${i}.key`, message: `another play has the key ${play.key}` }],
        },
      );
    }
    keys.add(play.key);
    const when = await checkRuleParts(
      ctx,
      { condition: play.when, actions: [play.action as Action] },
      `plays.${i}.`,
    );
    out.push({ ...play, ...(when ? { when } : {}) } as StoredPlay);
  }
  return out;
}

/** Each tier's touch cadence in days from the enabled playbooks (the most frequent when several cover it). */
export async function playbookTouchCadences(ctx: Ctx): Promise<Map<string, number>> {
  const rows = await ctx.db
    .selectFrom('playbooks')
    .select(['tier', 'touch_every_days'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('enabled', '=', 1)
    .where('touch_every_days', 'is not', null)
    .execute();
  const out = new Map<string, number>();
  for (const p of rows) {
    if (p.tier === null || p.touch_every_days === null) continue;
    const days = Number(p.touch_every_days);
    out.set(p.tier, Math.min(days, out.get(p.tier) ?? days));
  }
  return out;
}

export async function listPlaybooks({ ctx }: { ctx: Ctx; input?: unknown }) {
  await authorize(ctx, 'read');
  const rows = await ctx.db
    .selectFrom('playbooks')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('key')
    .execute();
  return { items: rows.map(playbookRowToPlaybook), nextCursor: null };
}

export async function getPlaybook({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'read');
  return playbookRowToPlaybook(await getPlaybookRow(ctx, id));
}

export async function createPlaybook({ ctx, input }: { ctx: Ctx; input: CreatePlaybook }) {
  await authorize(ctx, 'settings:write');
  const data = CreatePlaybook.parse(input);
  const plays = await checkPlays(ctx, data.plays);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const row: PlaybooksTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      key: data.key,
      name: data.name,
      description: data.description ?? null,
      tier: data.tier ?? null,
      stages: JSON.stringify(data.stages),
      touch_every_days: data.touchEveryDays ?? null,
      plays: JSON.stringify(plays),
      holdout_pct: data.holdoutPct,
      enabled: data.enabled ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('playbooks').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('conflict', msg('automation.error.playbookKeyTaken', { key: data.key }));
      throw error;
    }
    const playbook = playbookRowToPlaybook(row);
    await writeAudit(tx, {
      action: 'playbook.created',
      entityType: 'playbook',
      entityId: row.id,
      after: playbook,
    });
    return playbook;
  });
}

/** Managers edit cadences here: tier, stages, touch cadence, plays, enabled. */
export async function updatePlaybook({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdatePlaybook }) {
  await authorize(ctx, 'settings:write');
  const data = UpdatePlaybook.parse(input);
  const plays = data.plays === undefined ? undefined : await checkPlays(ctx, data.plays);
  return inTransaction(ctx, async (tx) => {
    const before = await getPlaybookRow(tx, id);
    const after = await tx.db
      .updateTable('playbooks')
      .set({
        name: data.name,
        description: data.description,
        tier: data.tier,
        stages: data.stages ? JSON.stringify(data.stages) : undefined,
        touch_every_days: data.touchEveryDays,
        plays: plays ? JSON.stringify(plays) : undefined,
        holdout_pct: data.holdoutPct,
        enabled: data.enabled === undefined ? undefined : data.enabled ? 1 : 0,
        updated_at: nowIso(tx),
      })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const playbook = playbookRowToPlaybook(after);
    await writeAudit(tx, {
      action: 'playbook.updated',
      entityType: 'playbook',
      entityId: playbook.id,
      before: playbookRowToPlaybook(before),
      after: playbook,
    });
    await dropKeptEffect(tx);
    return playbook;
  });
}

export async function deletePlaybook({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const row = await getPlaybookRow(tx, id);
    await tx.db
      .deleteFrom('playbooks')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', row.id)
      .execute();
    await writeAudit(tx, {
      action: 'playbook.deleted',
      entityType: 'playbook',
      entityId: row.id,
      before: playbookRowToPlaybook(row),
    });
    await dropKeptEffect(tx);
  });
}

/**
 * The seeds' service strategies per tier (seed 000), as playbooks a manager can edit: strategic —
 * a QBR every quarter and a touch at least monthly; growth — a business review every six months,
 * adoption guidance when breadth or depth is low, a touch every two months; nurture — a quarterly
 * usage email to the account's contacts, and tasks only on risk.
 */
export const DEFAULT_PLAYBOOKS: CreatePlaybook[] = [
  {
    key: 'strategic',
    name: '战略型客户 / Strategic',
    description: '专属 CSM，高频联系，每季度 QBR (seed 000)',
    tier: 'strategic',
    touchEveryDays: 30,
    plays: [
      {
        key: 'qbr',
        name: '季度业务回顾 / Quarterly QBR',
        everyDays: 90,
        action: {
          type: 'create_task',
          title: '{{name}} 季度业务回顾（QBR）',
          description:
            '回顾使用数据与 ROI（活跃用户 {{active_users_30d}}，健康度 {{health.score | round}}），讨论路线图与扩展。',
          taskType: 'qbr',
          assignee: { role: 'owner' },
          priority: 'P1',
          dueInDays: 14,
        },
      },
    ],
  },
  {
    key: 'growth',
    name: '成长型客户 / Growth',
    description: '功能使用引导，每半年业务回顾 (seed 000)',
    tier: 'growth',
    touchEveryDays: 60,
    plays: [
      {
        key: 'business_review',
        name: '半年业务回顾 / Half-yearly review',
        everyDays: 182,
        action: {
          type: 'create_task',
          title: '{{name}} 半年业务回顾',
          description: '展示 ROI，探讨扩展方案与附加模块。',
          taskType: 'qbr',
          assignee: { role: 'owner' },
          priority: 'P2',
          dueInDays: 21,
        },
      },
      {
        key: 'adoption',
        name: '使用引导 / Adoption guidance',
        everyDays: 90,
        // Low against peers of the same tier: absolute bars depend too much on seats and features.
        when: 'percentile(breadth within tier) <= 15 or percentile(depth within tier) <= 15',
        action: {
          type: 'create_task',
          title: '{{name}} 使用引导：广度 {{breadth | percent}}，深度 {{depth | percent}}',
          description: '活跃账号比例或活跃功能比例偏低，安排功能培训与场景赋能。',
          taskType: 'adoption',
          assignee: { role: 'owner' },
          priority: 'P2',
          dueInDays: 14,
        },
      },
    ],
  },
  {
    key: 'nurture',
    name: '培育型客户 / Nurture',
    description: '自动化触达，仅在风险时人工介入 (seed 000)',
    tier: 'nurture',
    touchEveryDays: null,
    plays: [
      {
        key: 'usage_email',
        name: '季度使用报告邮件 / Quarterly usage email',
        everyDays: 90,
        action: {
          type: 'email',
          to: { contacts: 'all' },
          subject: '{{name}} 季度使用报告',
          body: '您好，\n\n过去 30 天 {{name}} 共有 {{active_users_30d}} 位活跃用户，使用了 {{features_used_30d}} 项功能。\n如需培训或帮助，请回复此邮件。\n\nSteward 客户成功团队',
        },
      },
      {
        key: 'risk',
        name: '风险介入 / Risk',
        everyDays: 30,
        when: 'health.trend_30d <= -15 or (health.status = "danger" and days_to_renewal <= 120)',
        action: {
          type: 'create_task',
          title: '{{name}} 健康度风险：{{health.score | round}}（30 天 {{health.trend_30d}}）',
          description: '培育型客户仅在风险时介入：确认使用下降原因，安排回访。',
          taskType: 'risk',
          assignee: { role: 'owner' },
          priority: 'P1',
          dueInDays: 7,
        },
      },
    ],
  },
];

/** Installs the default playbooks that do not exist yet (by key); returns those created. */
export async function installDefaultPlaybooks({ ctx }: { ctx: Ctx; input?: unknown }) {
  await authorize(ctx, 'settings:write');
  const existing = new Set(
    (
      await ctx.db
        .selectFrom('playbooks')
        .select('key')
        .where('workspace_id', '=', ctx.workspace.id)
        .execute()
    ).map((r) => r.key),
  );
  const created: Playbook[] = [];
  for (const p of DEFAULT_PLAYBOOKS)
    if (!existing.has(p.key)) created.push(await createPlaybook({ ctx, input: p }));
  return { items: created, nextCursor: null };
}

export const playbookPlays = (r: PlaybooksTable) => parseJson<StoredPlay[]>(r.plays, []);

/** The runs of a playbook's plays (touch cadence included), newest first. */
export async function playbookRuns({ ctx, id, input }: { ctx: Ctx; id: string; input: ListPage }) {
  await authorize(ctx, 'read');
  const row = await getPlaybookRow(ctx, id);
  return listRunsOf(
    ctx,
    playbookSpecs({ ...row, enabled: 1 }).map((s) => s.id),
    input,
  );
}

/**
 * What the playbook would do on a day (default today), play by play, changing nothing: the stored
 * playbook, or `draft` (unsaved edits) over it, so a manager sees the effect before saving. Plays
 * keep their ids, so cooldowns and open tasks from earlier runs count as they would.
 */
export async function dryRunPlaybook({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: PlaybookDryRunInput;
}) {
  // Evaluating every account is for those who edit playbooks, as with rule dry runs.
  await authorize(ctx, 'settings:write');
  const data = PlaybookDryRunInput.parse(input);
  const day = data.day ?? today(ctx);
  if (day > today(ctx))
    throw new AppError('validation_failed', msg('automation.error.futureDay'), {
      issues: [{ path: 'day', message: 'after today' }],
    });
  const row = await getPlaybookRow(ctx, id);
  const draft = data.draft;
  const plays = draft?.plays === undefined ? undefined : await checkPlays(ctx, draft.plays);
  const tried: PlaybooksTable = {
    ...row,
    name: draft?.name ?? row.name,
    tier: draft?.tier === undefined ? row.tier : draft.tier,
    stages: draft?.stages === undefined ? row.stages : JSON.stringify(draft.stages),
    touch_every_days: draft?.touchEveryDays === undefined ? row.touch_every_days : draft.touchEveryDays,
    plays: plays === undefined ? row.plays : JSON.stringify(plays),
    holdout_pct: draft?.holdoutPct ?? row.holdout_pct,
    enabled: 1,
  };
  const specs = playbookSpecs(tried);
  const cover: RuleSpec = {
    id: `${row.id}#coverage`,
    source: 'playbook',
    name: tried.name,
    trigger: { type: 'daily' },
    condition: { and: coverage(tried) },
    actions: [],
    cooldownDays: 0,
    maxActionsPerRun: PLAYBOOK_MAX_ACTIONS,
    dedupe: false,
  };
  const batch = await loadRulesBatch(ctx, day, [cover, ...specs]);
  const inputs = await loadDayInputs(ctx, day, batch.facts, [cover, ...specs]);
  const out = [];
  for (const spec of specs) {
    const r = await dryRunSpec(ctx, spec, inputs, data.limit, batch.env);
    const play = spec.id.slice(row.id.length + 1);
    out.push({ ...r, play, name: spec.name });
  }
  return {
    day,
    playbookId: row.id,
    covered: matchRule(cover, inputs, batch.env).length,
    plays: out,
  };
}
