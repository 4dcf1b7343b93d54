// `{{name}} MoM {{metrics.active_users.mom | percent}}`: facts by catalogue key, with an optional
// filter. Unknown keys and missing values render as "—", so a template never fails a run.
import type { Facts } from '../facts/build-facts.ts';

const FILTERS: Record<string, (v: unknown) => string> = {
  percent: (v) => (typeof v === 'number' ? `${v > 0 ? '+' : ''}${Math.round(v * 1000) / 10}%` : show(v)),
  round: (v) => (typeof v === 'number' ? String(Math.round(v)) : show(v)),
  money: (v) => (typeof v === 'number' ? Math.round(v).toLocaleString('en-US') : show(v)),
};

export const TEMPLATE_FILTERS = Object.keys(FILTERS);

function show(v: unknown): string {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '—';
  if (typeof v === 'number') return String(Number(v.toPrecision(6)));
  if (Array.isArray(v)) return v.length ? v.join(', ') : '—';
  return String(v);
}

const TEMPLATE_FIELD = /\{\{\s*([a-z_][a-z0-9_.]*)\s*(?:\|\s*([a-z]+)\s*)?\}\}/g;

export function renderTemplate(template: string, facts: Readonly<Facts>): string {
  return template.replace(TEMPLATE_FIELD, (_, key: string, filter: string | undefined) => {
    const value = Object.hasOwn(facts, key) ? facts[key] : undefined;
    const f = filter ? FILTERS[filter] : undefined;
    return f ? f(value) : show(value);
  });
}

/** Keys and filters a template names that do not exist: checked when a rule is saved. */
export function templateProblems(template: string, known: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const m of template.matchAll(TEMPLATE_FIELD)) {
    const [, key, filter] = m;
    if (!known.has(key!)) problems.push(`unknown fact "${key}" in {{${key}}}`);
    if (filter && !FILTERS[filter])
      problems.push(`unknown filter "${filter}" (use ${TEMPLATE_FILTERS.join(', ')})`);
  }
  return problems;
}
