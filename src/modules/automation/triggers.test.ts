import { describe, expect, it } from 'vitest';
import { type Message, msg, render } from '../../i18n/index.ts';
import type { Facts } from '../facts/build-facts.ts';
import type { Action, Trigger } from './automation.schemas.ts';
import {
  builtinMessage,
  renderTemplate,
  TOUCH_TITLE,
  templateProblems,
  touchDescription,
} from './template.ts';
import { applyLimits, type DayInputs, heldOut, matchRule, rankWithin, triggerMatches } from './triggers.ts';

const facts = (records: Record<string, Facts>) => new Map(Object.entries(records));

function inputs(f: Map<string, Facts>, extra: Partial<DayInputs> = {}): DayInputs {
  return {
    day: '2026-06-30',
    facts: f,
    changes: [],
    healthBefore: new Map(),
    valueActive: new Map(),
    sentiments: new Map(),
    ...extra,
  };
}
const ids = (m: Map<string, unknown>) => [...m.keys()].sort();
const en = (m: Message | undefined) => m && render('en', m);
const zh = (m: Message | undefined) => m && render('zh-CN', m);
const noEnv = () => ({});
const task: Action = {
  type: 'create_task',
  title: 't',
  taskType: 'risk',
  assignee: { role: 'owner' },
  priority: 'P2',
};

describe('trigger evaluation', () => {
  it('matches state changes by kind and, when given, by from and to', () => {
    const f = facts({ a: {}, b: {}, c: {} });
    const changes = [
      { accountId: 'a', kind: 'health_status', from: 'fair', to: 'danger' },
      { accountId: 'b', kind: 'health_status', from: 'excellent', to: 'fair' },
      { accountId: 'c', kind: 'stage', from: 'adoption', to: 'renewal' },
    ];
    const run = (t: Trigger) => ids(triggerMatches(t, inputs(f, { changes })));
    expect(run({ type: 'state_change', kind: 'health_status' })).toEqual(['a', 'b']);
    expect(run({ type: 'state_change', kind: 'health_status', to: 'danger' })).toEqual(['a']);
    expect(run({ type: 'state_change', kind: 'health_status', from: 'excellent' })).toEqual(['b']);
    expect(run({ type: 'state_change', kind: 'stage', to: 'renewal' })).toEqual(['c']);
    const stage = triggerMatches({ type: 'state_change', kind: 'stage' }, inputs(f, { changes })).get('c');
    expect(en(stage)).toBe('stage Adoption → Renewal');
    expect(zh(stage)).toBe('阶段 使用期 → 续约期');
    const health = triggerMatches({ type: 'state_change', kind: 'health_status' }, inputs(f, { changes }));
    expect(zh(health.get('a'))).toBe('健康状态 一般 → 危险');
  });

  it('matches segment entries by segment key and ignores accounts that no longer exist', () => {
    const changes = [
      { accountId: 'a', kind: 'segment_enter', from: null, to: 'silent_30d' },
      { accountId: 'gone', kind: 'segment_enter', from: null, to: 'silent_30d' },
    ];
    const m = triggerMatches(
      { type: 'state_change', kind: 'segment_enter', to: 'silent_30d' },
      inputs(facts({ a: {} }), { changes }),
    );
    expect([...m].map(([id, r]) => [id, en(r)])).toEqual([['a', 'entered segment silent_30d']]);
  });

  it('matches a health drop of at least N points against the score N days ago', () => {
    const f = facts({
      a: { 'health.score': 50 },
      b: { 'health.score': 70 },
      c: { 'health.score': 40 },
      d: {},
    });
    const before = new Map([
      [
        7,
        new Map([
          ['a', 65],
          ['b', 75],
          ['d', 90],
        ]),
      ],
    ]);
    const m = triggerMatches(
      { type: 'health_drop', points: 10, days: 7 },
      inputs(f, { healthBefore: before }),
    );
    expect(ids(m)).toEqual(['a']); // b fell 5, c has no history, d has no score now
    expect(en(m.get('a'))).toBe('health 65 → 50 in 7 days');
  });

  it('matches renewals within N days but not past ones', () => {
    const f = facts({
      a: { days_to_renewal: 90 },
      b: { days_to_renewal: 91 },
      c: { days_to_renewal: -3 },
      d: {},
    });
    expect(ids(triggerMatches({ type: 'renewal_within', days: 90 }, inputs(f)))).toEqual(['a']);
  });

  it('matches metric changes (WoW, MoM, YoY) beyond a threshold, never a missing change', () => {
    const f = facts({
      a: { 'metrics.logins.mom': -0.5, 'metrics.logins.yoy': 0.1 },
      b: { 'metrics.logins.mom': -0.3 },
      c: { 'metrics.logins.mom': -0.29 },
      d: { 'metrics.logins.mom': null },
    });
    const drop = triggerMatches(
      { type: 'metric_change', metric: 'logins', period: 'mom', cmp: '<=', value: -0.3 },
      inputs(f),
    );
    expect(ids(drop)).toEqual(['a', 'b']);
    expect(en(drop.get('a'))).toBe('logins mom -50%');
    const yoy = triggerMatches(
      { type: 'metric_change', metric: 'logins', period: 'yoy', cmp: '>', value: 0 },
      inputs(f),
    );
    expect(ids(yoy)).toEqual(['a']);
  });

  it('ranks the bottom and top N% overall and within the tier', () => {
    const rec: Record<string, Facts> = {};
    for (let i = 0; i < 10; i++) rec[`s${i}`] = { tier: 'strategic', 'metrics.u.total_30d': i * 10 };
    for (let i = 0; i < 10; i++) rec[`n${i}`] = { tier: 'nurture', 'metrics.u.total_30d': 1000 + i };
    rec.none = { tier: 'nurture', 'metrics.u.total_30d': null };
    const f = facts(rec);
    const overall = triggerMatches(
      { type: 'metric_rank', metric: 'u', side: 'bottom', percent: 10, within: 'all' },
      inputs(f),
    );
    expect(ids(overall)).toEqual(['s0', 's1']); // ranks 0 and 5.3 of 19 ranked accounts
    const inTier = triggerMatches(
      { type: 'metric_rank', metric: 'u', side: 'bottom', percent: 10, within: 'tier' },
      inputs(f),
    );
    expect(ids(inTier)).toEqual(['n0', 's0']);
    const top = triggerMatches(
      { type: 'metric_rank', metric: 'u', side: 'top', percent: 10, within: 'tier' },
      inputs(f),
    );
    expect(ids(top)).toEqual(['n9', 's9']);
    expect(rankWithin(f, 'metrics.u.total_30d', 'tier').has('none')).toBe(false);
  });

  it('matches accounts without value behaviour in the window, and low sentiments', () => {
    const f = facts({ a: {}, b: {}, c: {} });
    const v = triggerMatches(
      { type: 'no_value', days: 14 },
      inputs(f, { valueActive: new Map([[14, new Set(['b'])]]) }),
    );
    expect(ids(v)).toEqual(['a', 'c']);
    const s = triggerMatches(
      { type: 'sentiment', atMost: 2 },
      inputs(f, {
        sentiments: new Map([
          ['a', 2],
          ['b', 4],
        ]),
      }),
    );
    expect(ids(s)).toEqual(['a']);
  });

  it('yields every account for daily and schedule triggers and only the named one for webhooks', () => {
    const f = facts({ a: {}, b: {} });
    expect(ids(triggerMatches({ type: 'daily' }, inputs(f)))).toEqual(['a', 'b']);
    expect(ids(triggerMatches({ type: 'webhook' }, inputs(f, { webhookAccounts: ['b', 'x'] })))).toEqual([
      'b',
    ]);
  });
});

describe('conditions and ordering', () => {
  it('narrows the trigger by the condition and puts the largest ARR first', () => {
    const f = facts({
      a: { arr: 100, tier: 'growth', days_to_renewal: 10 },
      b: { arr: 900, tier: 'growth', days_to_renewal: 20 },
      c: { arr: 500, tier: 'nurture', days_to_renewal: 5 },
    });
    const matches = matchRule(
      {
        trigger: { type: 'renewal_within', days: 30 },
        condition: { fact: 'tier', op: '=', value: 'growth' },
      },
      inputs(f),
      noEnv,
    );
    expect(matches.map((m) => m.accountId)).toEqual(['b', 'a']);
  });
});

describe('limits', () => {
  const matches = ['a', 'b', 'c', 'd'].map((accountId) => ({
    accountId,
    reason: msg('automation.reason.daily'),
  }));
  const spec = { cooldownDays: 7, maxActionsPerRun: 2, dedupe: true, actions: [task] };

  it('skips accounts with an open task from the rule (dedupe)', () => {
    const out = applyLimits(spec, matches, {
      day: '2026-06-30',
      openTasks: new Set(['a']),
      lastActed: new Map(),
    });
    expect(out.map((o) => o.outcome)).toEqual(['dedupe', 'act', 'act', 'limit']);
  });

  it('skips accounts acted on within the cooldown and acts again once it has passed', () => {
    const lastActed = new Map([
      ['a', '2026-06-24'], // 6 days ago: still cooling down
      ['b', '2026-06-23'], // 7 days ago: free again
    ]);
    const out = applyLimits(spec, matches, { day: '2026-06-30', openTasks: new Set(), lastActed });
    expect(out.map((o) => o.outcome)).toEqual(['cooldown', 'act', 'act', 'limit']);
  });

  it('does not dedupe rules that create no tasks, and cooldown 0 never skips', () => {
    const out = applyLimits(
      { cooldownDays: 0, maxActionsPerRun: 10, dedupe: true, actions: [{ type: 'add_tag', tag: 'x' }] },
      matches,
      { day: '2026-06-30', openTasks: new Set(['a']), lastActed: new Map([['b', '2026-06-30']]) },
    );
    expect(out.every((o) => o.outcome === 'act')).toBe(true);
  });

  it('caps the accounts acted on per run, counting only those acted on', () => {
    const out = applyLimits({ ...spec, maxActionsPerRun: 1 }, matches, {
      day: '2026-06-30',
      openTasks: new Set(['a']),
      lastActed: new Map(),
    });
    expect(out.map((o) => o.outcome)).toEqual(['dedupe', 'act', 'limit', 'limit']);
  });
});

describe('templates', () => {
  it('renders facts with filters and says a value is missing in words, in the reader’s language', () => {
    const f = { name: '星河科技', 'metrics.active_users.mom': -0.3456, arr: 1234567.8, tags: ['a', 'b'] };
    expect(renderTemplate('{{name}} MoM {{metrics.active_users.mom | percent}}', f)).toBe(
      '星河科技 MoM -34.6%',
    );
    expect(renderTemplate('{{arr | money}} {{tags}} {{nope}} {{ name }}', f)).toBe(
      '1,234,568 a, b not recorded 星河科技',
    );
    expect(renderTemplate('{{nope}} {{ name }}', f, 'zh-CN')).toBe('暂无记录 星河科技');
    expect(renderTemplate('{{metrics.active_users.mom}}', f)).toBe('-0.3456');
  });

  it('renders the touch cadence in one language, and "never contacted" for an account never touched', () => {
    const never = builtinMessage(TOUCH_TITLE, { name: '星河科技', days_since_last_touch: null })!;
    expect(render('en', never)).toBe('星河科技: never contacted');
    expect(render('zh-CN', never)).toBe('星河科技：从未联系');
    const late = builtinMessage(TOUCH_TITLE, { name: 'Acme', days_since_last_touch: 45 })!;
    expect(render('en', late)).toBe('Acme: no touch for 45 days');
    expect(render('zh-CN', late)).toBe('Acme：已 45 天未触达');
    const why = builtinMessage(touchDescription(30), { tier: 'strategic' })!;
    expect(render('zh-CN', why)).toBe('战略型客户至少每 30 天需要一次触达（笔记、电话、会议或邮件）。');
    expect(render('en', why)).toBe(
      'The Strategic tier expects a touch (note, call, meeting or email) at least every 30 days.',
    );
  });

  it('renders the default playbooks’ templates from the catalog, and a person’s edited text as written', () => {
    const f = { name: 'Acme', breadth: 0.123, depth: null };
    const adoption = builtinMessage(
      '{{name}} 使用引导：广度 {{breadth | percent}}，深度 {{depth | percent}}',
      f,
    )!;
    expect(render('en', adoption)).toBe('Acme adoption guidance: breadth +12.3%, depth not recorded');
    expect(render('zh-CN', adoption)).toBe('Acme 使用引导：广度 +12.3%，深度 暂无记录');
    expect(builtinMessage('{{name}} 使用引导（改过）', f)).toBeUndefined();
  });

  it('names unknown facts and filters', () => {
    const problems = templateProblems('{{name}} {{nmae}} {{arr | pct}}', new Set(['name', 'arr']));
    expect(problems.map((p) => render('en', p.message))).toEqual([
      'unknown fact "nmae" in {{nmae}}',
      'unknown filter "pct" (use percent, round, money)',
    ]);
    expect(problems.map((p) => render('zh-CN', p.message))).toEqual([
      '{{nmae}} 中的字段 "nmae" 不存在',
      '未知的格式 "pct"（可用：percent, round, money）',
    ]);
  });
});

describe('hold-out', () => {
  const ids = Array.from(
    { length: 4000 },
    (_, i) => `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`,
  );

  it('holds out about the percentage asked, the same accounts every time, and none at 0', () => {
    const held = ids.filter((id) => heldOut('rule-1', id, 30));
    expect(held.length / ids.length).toBeGreaterThan(0.27);
    expect(held.length / ids.length).toBeLessThan(0.33);
    expect(ids.filter((id) => heldOut('rule-1', id, 30))).toEqual(held);
    expect(ids.some((id) => heldOut('rule-1', id, 0))).toBe(false);
  });

  it('draws a different set per rule, and a larger percentage only adds accounts', () => {
    const a = new Set(ids.filter((id) => heldOut('rule-1', id, 20)));
    const b = new Set(ids.filter((id) => heldOut('rule-2', id, 20)));
    const overlap = [...a].filter((id) => b.has(id)).length;
    // Independent draws overlap by about 20% of 20%: far from all of them.
    expect(overlap / a.size).toBeLessThan(0.3);
    const wider = ids.filter((id) => heldOut('rule-1', id, 50));
    expect([...a].every((id) => wider.includes(id))).toBe(true);
  });

  it('puts held-out accounts first: they are never acted on and do not use up the maximum', () => {
    const matches = ids
      .slice(0, 40)
      .map((accountId) => ({ accountId, reason: msg('automation.reason.daily') }));
    const out = applyLimits(
      { id: 'r', cooldownDays: 0, maxActionsPerRun: 5, dedupe: false, actions: [task], holdoutPct: 50 },
      matches,
      { day: '2026-06-30', openTasks: new Set(), lastActed: new Map() },
    );
    const held = out.filter((o) => o.outcome === 'holdout');
    expect(held.length).toBeGreaterThan(5);
    expect(held.every((o) => heldOut('r', o.match.accountId, 50))).toBe(true);
    expect(out.filter((o) => o.outcome === 'act')).toHaveLength(5);
    expect(out.filter((o) => o.outcome === 'limit')).toHaveLength(40 - held.length - 5);
  });

  it('draws a playbook’s hold-out by its key, the same for every play', () => {
    const base = { cooldownDays: 0, maxActionsPerRun: 100, dedupe: false, actions: [task], holdoutPct: 40 };
    const matches = ids
      .slice(0, 50)
      .map((accountId) => ({ accountId, reason: msg('automation.reason.daily') }));
    const state = { day: '2026-06-30', openTasks: new Set<string>(), lastActed: new Map<string, string>() };
    const p1 = applyLimits({ ...base, id: 'pb#qbr', holdoutKey: 'pb' }, matches, state);
    const p2 = applyLimits({ ...base, id: 'pb#touch', holdoutKey: 'pb' }, matches, state);
    expect(p1.map((o) => o.outcome)).toEqual(p2.map((o) => o.outcome));
  });
});
