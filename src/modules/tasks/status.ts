import { type Message, msg, render } from '../../i18n/index.ts';
import { addDays } from '../../time.ts';
import type { DueView, TaskStatus } from './tasks.schemas.ts';

/** Statuses findOpenTask treats as "still open" (automation must not make a second one). */
export const OPEN_STATUSES = ['open', 'in_progress', 'snoozed'] as const satisfies readonly TaskStatus[];

/** Days after today that "upcoming" covers. */
export const UPCOMING_DAYS = 7;

/**
 * Which status may follow which. Done and cancelled tasks can only be reopened (a wrong click is
 * undone by reopening, then closing the right way); a snoozed task may be snoozed again to a new day.
 */
const NEXT: Record<TaskStatus, readonly TaskStatus[]> = {
  open: ['in_progress', 'done', 'cancelled', 'snoozed'],
  in_progress: ['open', 'done', 'cancelled', 'snoozed'],
  snoozed: ['open', 'in_progress', 'done', 'cancelled', 'snoozed'],
  done: ['open'],
  cancelled: ['open'],
};

export type StatusFields = { status: TaskStatus; snoozedUntil: string | null; completedAt: string | null };

/** A move the task's status may not make; `text` is the reason in the reader's language. */
export class TransitionError extends Error {
  constructor(
    readonly field: 'status' | 'snoozedUntil',
    readonly text: Message,
  ) {
    super(render('en', text));
  }
}

/**
 * The task's status fields after moving to `to` (with `snoozedUntil` for a snooze) on `today` at
 * `now`. Throws TransitionError naming the field when the move is not allowed.
 */
export function transition(
  from: StatusFields,
  change: { to: TaskStatus; snoozedUntil?: string },
  today: string,
  now: string,
): StatusFields {
  const { to } = change;
  if (to === from.status && to !== 'snoozed') return from;
  if (!NEXT[from.status].includes(to)) {
    const closed = from.status === 'done' || from.status === 'cancelled';
    throw new TransitionError(
      'status',
      msg(closed ? 'task.error.transitionReopen' : 'task.error.transition', {
        from: msg(`task.statusName.${from.status}`),
        to: msg(`task.statusName.${to}`),
      }),
    );
  }
  if (to === 'snoozed') {
    if (!change.snoozedUntil) throw new TransitionError('snoozedUntil', msg('task.error.snoozeNeedsDay'));
    if (change.snoozedUntil <= today) {
      throw new TransitionError('snoozedUntil', msg('task.error.snoozeAfterToday', { date: today }));
    }
    return { status: 'snoozed', snoozedUntil: change.snoozedUntil, completedAt: null };
  }
  if (change.snoozedUntil !== undefined) {
    throw new TransitionError('snoozedUntil', msg('task.error.snoozeOnlyWhenSnoozed'));
  }
  return { status: to, snoozedUntil: null, completedAt: to === 'done' ? now : null };
}

/** Someone should act on it now: open, in progress, or snoozed until a day that has come. */
export function isActionable(t: { status: TaskStatus; snoozedUntil: string | null }, today: string): boolean {
  if (t.status === 'open' || t.status === 'in_progress') return true;
  return t.status === 'snoozed' && t.snoozedUntil !== null && t.snoozedUntil <= today;
}

/**
 * The "my tasks" view a task falls in on `today`, or null (closed, snoozed, undated, or due later
 * than the upcoming window). The list filter `due=` implements the same rules in SQL.
 */
export function dueView(
  t: { status: TaskStatus; snoozedUntil: string | null; dueDate: string | null },
  today: string,
): DueView | null {
  if (!isActionable(t, today) || t.dueDate === null) return null;
  if (t.dueDate < today) return 'overdue';
  if (t.dueDate === today) return 'today';
  return t.dueDate <= addDays(today, UPCOMING_DAYS) ? 'upcoming' : null;
}
