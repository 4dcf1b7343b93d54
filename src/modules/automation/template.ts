// `{{name}} MoM {{metrics.active_users.mom | percent}}`: facts by catalogue key, with an optional
// filter. A template becomes a message parameter: the words a person wrote stay as written, values
// fill in, and a missing value (an unknown key, no data) is a message that says so in the reader's
// language ("not recorded" / "暂无记录"), so a template never fails a run and never shows "—".
// The built-in templates (the touch cadence, the default playbooks' plays) are catalog messages
// with parameters: a task made from one reads in one language, the reader's.
import { type Locale, type Message, type MessageKey, msg, type Param, render } from '../../i18n/index.ts';
import type { Facts } from '../facts/build-facts.ts';
import { valueParam } from '../timeline/index.ts';

const MISSING = msg('common.missing');

const FILTERS: Record<string, (v: unknown) => Param> = {
  percent: (v) => (typeof v === 'number' ? `${v > 0 ? '+' : ''}${Math.round(v * 1000) / 10}%` : show(v)),
  round: (v) => (typeof v === 'number' ? String(Math.round(v)) : show(v)),
  money: (v) => (typeof v === 'number' ? Math.round(v).toLocaleString('en-US') : show(v)),
};

export const TEMPLATE_FILTERS = Object.keys(FILTERS);

function show(v: unknown): Param {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return MISSING;
  if (typeof v === 'number') return String(Number(v.toPrecision(6)));
  if (Array.isArray(v)) return v.length ? v.join(', ') : MISSING;
  return String(v);
}

const TEMPLATE_FIELD = /\{\{\s*([a-z_][a-z0-9_.]*)\s*(?:\|\s*([a-z]+)\s*)?\}\}/g;

const value = (facts: Readonly<Facts>, key: string, filter: string | undefined): Param => {
  const v = Object.hasOwn(facts, key) ? facts[key] : undefined;
  const f = filter ? FILTERS[filter] : undefined;
  return f ? f(v) : show(v);
};

/** Joins two parts: a string when both are strings, else a message rendering both in turn. */
const join = (a: string | Message, b: Param): string | Message =>
  typeof a === 'string' && typeof b === 'string' ? a + b : msg('automation.concat', { a, b });

/** A person's template with the facts filled in: text when every value is there, else a message. */
export function fillTemplate(template: string, facts: Readonly<Facts>): string | Message {
  let out: string | Message = '';
  let at = 0;
  for (const m of template.matchAll(TEMPLATE_FIELD)) {
    out = join(join(out, template.slice(at, m.index)), value(facts, m[1]!, m[2]));
    at = m.index + m[0].length;
  }
  return join(out, template.slice(at));
}

/** The template rendered in `locale` (a built-in one from the catalog). */
export function renderTemplate(template: string, facts: Readonly<Facts>, locale: Locale = 'en'): string {
  const p = templateParam(template, facts);
  return typeof p === 'string' ? p : render(locale, p);
}

/** The touch cadence's task (playbooks): its title and description as they are stored in a spec. */
export const TOUCH_TITLE = '{{name}}: no touch for {{days_since_last_touch}} days';
export const touchDescription = (days: number) =>
  `The {{tier}} tier expects a touch (note, call, meeting or email) at least every ${days} days.`;
const TOUCH_DESCRIPTION =
  /^The \{\{tier\}\} tier expects a touch \(note, call, meeting or email\) at least every (\d+) days\.$/;

/** A built-in template: its catalog message and each parameter as a template expression. */
type Builtin = { key: MessageKey; params: Record<string, string> };

/**
 * The default playbooks' texts (as installed, seed 000) and their messages. A play whose text a
 * manager edited is theirs and renders as written.
 */
const BUILTINS: Record<string, Builtin> = {
  '{{name}} 季度业务回顾（QBR）': { key: 'automation.template.qbr.title', params: { name: 'name' } },
  '回顾使用数据与 ROI（活跃用户 {{active_users_30d}}，健康度 {{health.score | round}}），讨论路线图与扩展。':
    {
      key: 'automation.template.qbr.description',
      params: { activeUsers: 'active_users_30d', score: 'health.score | round' },
    },
  '{{name}} 半年业务回顾': { key: 'automation.template.review.title', params: { name: 'name' } },
  '展示 ROI，探讨扩展方案与附加模块。': { key: 'automation.template.review.description', params: {} },
  '{{name}} 使用引导：广度 {{breadth | percent}}，深度 {{depth | percent}}': {
    key: 'automation.template.adoption.title',
    params: { name: 'name', breadth: 'breadth | percent', depth: 'depth | percent' },
  },
  '活跃账号比例或活跃功能比例偏低，安排功能培训与场景赋能。': {
    key: 'automation.template.adoption.description',
    params: {},
  },
  '{{name}} 健康度风险：{{health.score | round}}（30 天 {{health.trend_30d}}）': {
    key: 'automation.template.risk.title',
    params: { name: 'name', score: 'health.score | round', trend: 'health.trend_30d' },
  },
  '培育型客户仅在风险时介入：确认使用下降原因，安排回访。': {
    key: 'automation.template.risk.description',
    params: {},
  },
};

/** The message of a built-in template, or undefined for a person's own. */
export function builtinMessage(template: string, facts: Readonly<Facts>): Message | undefined {
  if (template === TOUCH_TITLE) {
    const days = facts.days_since_last_touch;
    const name = typeof facts.name === 'string' ? facts.name : MISSING;
    // Never touched: say so in words instead of a number of days.
    return typeof days === 'number'
      ? msg('automation.touch.title', { name, days })
      : msg('automation.touch.titleNever', { name });
  }
  const touch = TOUCH_DESCRIPTION.exec(template);
  if (touch) {
    const tier = typeof facts.tier === 'string' ? facts.tier : null;
    return msg('automation.touch.description', {
      tier: tier === null ? MISSING : valueParam('tier', tier),
      every: Number(touch[1]),
    });
  }
  const builtin = BUILTINS[template];
  if (!builtin) return undefined;
  const params: Record<string, Param> = {};
  for (const [name, expr] of Object.entries(builtin.params))
    params[name] = fillTemplate(`{{${expr}}}`, facts);
  return msg(builtin.key, params);
}

/** The default playbooks' and plays' names (seed 000, "中文 / English"), one language at a time. */
const BUILTIN_NAMES: Record<string, MessageKey> = {
  '战略型客户 / Strategic': 'automation.playbook.strategic',
  '成长型客户 / Growth': 'automation.playbook.growth',
  '培育型客户 / Nurture': 'automation.playbook.nurture',
  '季度业务回顾 / Quarterly QBR': 'automation.play.qbr',
  '半年业务回顾 / Half-yearly review': 'automation.play.review',
  '使用引导 / Adoption guidance': 'automation.play.adoption',
  '季度使用报告邮件 / Quarterly usage email': 'automation.play.usageEmail',
  '风险介入 / Risk': 'automation.play.risk',
};

/** A playbook's or play's name: the catalog's when it is still the default one, else as named. */
export const nameParam = (name: string): Param => (BUILTIN_NAMES[name] ? msg(BUILTIN_NAMES[name]) : name);

/** A template as a message parameter: the built-in's message, else the person's text filled in. */
export const templateParam = (template: string, facts: Readonly<Facts>): string | Message =>
  builtinMessage(template, facts) ?? fillTemplate(template, facts);

/** Keys and filters a template names that do not exist: checked when a rule is saved. */
export function templateProblems(
  template: string,
  known: ReadonlySet<string>,
): { fact?: string; message: Message }[] {
  const problems: { fact?: string; message: Message }[] = [];
  for (const m of template.matchAll(TEMPLATE_FIELD)) {
    const [, key, filter] = m;
    if (!known.has(key!))
      problems.push({ fact: key!, message: msg('automation.error.unknownTemplateFact', { fact: key! }) });
    if (filter && !FILTERS[filter])
      problems.push({
        message: msg('automation.error.unknownTemplateFilter', {
          filter,
          filters: TEMPLATE_FILTERS.join(', '),
        }),
      });
  }
  return problems;
}
