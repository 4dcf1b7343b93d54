// NPS and CSAT per account, tier, CSM and period, with the trend per month or quarter. Computed in
// memory from one read of the period's answers (two periods: this one and the one before, for the
// change); answers are small next to usage data (a survey per contact every N days).
import type { Ctx } from '../../context.ts';
import { invalidField } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { addDays, daysBetween, today } from '../../time.ts';
import { accountRefs, readableAccount } from '../accounts/index.ts';
import { authorize, userNames } from '../auth/index.ts';
import { loadCurrentStates } from '../state/index.ts';
import { type SurveyKind, summarize, trend } from './survey-maths.ts';
import { ResultsQuery, type SurveyResults } from './surveys.schemas.ts';

export type Answer = { accountId: string; day: string; score: number; at: string };

/**
 * The workspace's answers of a kind answered from `from` to `to` (days, inclusive), of the accounts
 * the caller may read; for other modules' reports (scorecards, the QBR report).
 */
export async function surveyAnswersBetween(
  ctx: Ctx,
  q: { kind: SurveyKind; from: string; to: string; accountIds?: readonly string[] },
): Promise<Answer[]> {
  let query = ctx.db
    .selectFrom('survey_responses as r')
    .select(['r.account_id', 'r.answered_day', 'r.score', 'r.answered_at'])
    .where('r.workspace_id', '=', ctx.workspace.id)
    .where('r.kind', '=', q.kind)
    .where('r.answered_day', '>=', q.from)
    .where('r.answered_day', '<=', q.to)
    .where(readableAccount(ctx, 'r.account_id'));
  if (q.accountIds) {
    if (q.accountIds.length === 0) return [];
    query = query.where('r.account_id', 'in', [...q.accountIds]);
  }
  const rows = await query.orderBy('r.answered_at').execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    day: r.answered_day,
    score: Number(r.score),
    at: r.answered_at,
  }));
}

export async function surveyResults({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ResultsQuery;
}): Promise<SurveyResults> {
  await authorize(ctx, 'read');
  const q = ResultsQuery.parse(input);
  const to = q.to ?? today(ctx);
  const from = q.from ?? addDays(to, -364);
  if (from > to) throw invalidField('from', msg('error.mustNotBeAfterTo'), 'query');
  const length = daysBetween(from, to) + 1;
  const prevFrom = addDays(from, -length);
  const answers = await surveyAnswersBetween(ctx, {
    kind: q.kind,
    from: prevFrom,
    to,
    accountIds: q.accountId ? [q.accountId] : undefined,
  });
  const current = answers.filter((a) => a.day >= from);
  const before = answers.filter((a) => a.day < from);

  const keyOf = await grouping(ctx, q.groupBy, answers);
  const groups: SurveyResults['groups'] = [];
  if (keyOf) {
    const now = new Map<string, number[]>();
    const prev = new Map<string, number[]>();
    for (const a of answers) {
      const key = keyOf.key(a.accountId);
      const target = a.day >= from ? now : prev;
      const list = target.get(key);
      if (list) list.push(a.score);
      else target.set(key, [a.score]);
    }
    for (const [key, scores] of now) {
      const s = summarize(q.kind, scores);
      const p = summarize(q.kind, prev.get(key) ?? []);
      groups.push({
        key,
        name: keyOf.name(key),
        ...s,
        change: s.score !== null && p.score !== null ? Math.round((s.score - p.score) * 10) / 10 : null,
      });
    }
    groups.sort(
      (a, b) => b.responses - a.responses || (a.score ?? 0) - (b.score ?? 0) || a.name.localeCompare(b.name),
    );
  }
  return {
    kind: q.kind,
    from,
    to,
    interval: q.interval,
    overall: summarize(
      q.kind,
      current.map((a) => a.score),
    ),
    previous: summarize(
      q.kind,
      before.map((a) => a.score),
    ),
    trend: trend(q.kind, current, from, to, q.interval),
    groups,
  };
}

const NONE = '';

async function grouping(
  ctx: Ctx,
  by: 'none' | 'account' | 'tier' | 'csm',
  answers: readonly Answer[],
): Promise<{ key: (accountId: string) => string; name: (key: string) => string } | null> {
  if (by === 'none') return null;
  const ids = [...new Set(answers.map((a) => a.accountId))];
  const refs = await accountRefs(ctx, ids);
  if (by === 'account') return { key: (id) => id, name: (id) => refs.get(id)?.name ?? id };
  if (by === 'csm') {
    const owners = [...new Set([...refs.values()].map((r) => r.ownerId).filter((o): o is string => !!o))];
    const names = await userNames(ctx, owners);
    return {
      key: (id) => refs.get(id)?.ownerId ?? NONE,
      name: (key) => (key === NONE ? '' : (names.get(key) ?? key)),
    };
  }
  const states = await loadCurrentStates(ctx, ids);
  return { key: (id) => states.get(id)?.tier ?? NONE, name: (key) => key };
}
