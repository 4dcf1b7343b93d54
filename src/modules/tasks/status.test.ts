import { describe, expect, it } from 'vitest';
import { dueView, isActionable, type StatusFields, TransitionError, transition } from './status.ts';

const TODAY = '2026-03-10';
const NOW = '2026-03-10T02:00:00.000Z';
const open: StatusFields = { status: 'open', snoozedUntil: null, completedAt: null };

function fails(from: StatusFields, to: Parameters<typeof transition>[1]): TransitionError {
  try {
    transition(from, to, TODAY, NOW);
  } catch (error) {
    if (error instanceof TransitionError) return error;
    throw error;
  }
  throw new Error('expected a TransitionError');
}

describe('task status transitions', () => {
  it('stamps completedAt when a task is done and clears it when it is reopened', () => {
    const done = transition(open, { to: 'done' }, TODAY, NOW);
    expect(done).toEqual({ status: 'done', snoozedUntil: null, completedAt: NOW });
    expect(transition(done, { to: 'open' }, TODAY, NOW)).toEqual(open);
  });

  it('lets open, in-progress and snoozed tasks move to any working or closing status', () => {
    const inProgress = transition(open, { to: 'in_progress' }, TODAY, NOW);
    expect(inProgress.status).toBe('in_progress');
    expect(transition(inProgress, { to: 'open' }, TODAY, NOW).status).toBe('open');
    expect(transition(inProgress, { to: 'cancelled' }, TODAY, NOW)).toEqual({
      status: 'cancelled',
      snoozedUntil: null,
      completedAt: null,
    });
    const snoozed = transition(open, { to: 'snoozed', snoozedUntil: '2026-03-17' }, TODAY, NOW);
    expect(transition(snoozed, { to: 'in_progress' }, TODAY, NOW)).toEqual({
      status: 'in_progress',
      snoozedUntil: null,
      completedAt: null,
    });
  });

  it('refuses to move a done or cancelled task anywhere but back to open, suggesting to reopen', () => {
    const done = transition(open, { to: 'done' }, TODAY, NOW);
    const cancelled = transition(open, { to: 'cancelled' }, TODAY, NOW);
    for (const closed of [done, cancelled]) {
      for (const to of ['in_progress', 'snoozed'] as const) {
        const error = fails(closed, { to, snoozedUntil: to === 'snoozed' ? '2026-04-01' : undefined });
        expect(error.field).toBe('status');
        expect(error.message).toMatch(/reopen it first/);
      }
    }
    expect(fails(done, { to: 'cancelled' }).message).toBe(
      'A done task cannot become cancelled: reopen it first',
    );
  });

  it('needs a snooze day after today, and accepts snoozing a snoozed task to a new day', () => {
    expect(fails(open, { to: 'snoozed' }).field).toBe('snoozedUntil');
    expect(fails(open, { to: 'snoozed', snoozedUntil: TODAY }).message).toBe(
      'snoozedUntil must be after today (2026-03-10)',
    );
    const snoozed = transition(open, { to: 'snoozed', snoozedUntil: '2026-03-11' }, TODAY, NOW);
    expect(snoozed).toEqual({ status: 'snoozed', snoozedUntil: '2026-03-11', completedAt: null });
    expect(transition(snoozed, { to: 'snoozed', snoozedUntil: '2026-04-01' }, TODAY, NOW).snoozedUntil).toBe(
      '2026-04-01',
    );
  });

  it('refuses snoozedUntil with any status other than snoozed', () => {
    const error = fails(open, { to: 'done', snoozedUntil: '2026-04-01' });
    expect(error.field).toBe('snoozedUntil');
  });

  it('keeps a task as it is when the status does not change', () => {
    const inProgress: StatusFields = { status: 'in_progress', snoozedUntil: null, completedAt: null };
    expect(transition(inProgress, { to: 'in_progress' }, TODAY, NOW)).toBe(inProgress);
  });
});

describe('due views', () => {
  const task = (
    dueDate: string | null,
    status: StatusFields['status'] = 'open',
    snoozedUntil: string | null = null,
  ) => ({
    dueDate,
    status,
    snoozedUntil,
  });

  it('puts actionable tasks due before today in overdue, today in today, and the next 7 days in upcoming', () => {
    expect(dueView(task('2026-03-09'), TODAY)).toBe('overdue');
    expect(dueView(task('2025-12-31', 'in_progress'), TODAY)).toBe('overdue');
    expect(dueView(task(TODAY), TODAY)).toBe('today');
    expect(dueView(task('2026-03-11'), TODAY)).toBe('upcoming');
    expect(dueView(task('2026-03-17'), TODAY)).toBe('upcoming');
    expect(dueView(task('2026-03-18'), TODAY)).toBeNull();
    expect(dueView(task(null), TODAY)).toBeNull();
  });

  it('leaves closed tasks out of every view, however late they were', () => {
    expect(dueView(task('2026-03-01', 'done'), TODAY)).toBeNull();
    expect(dueView(task('2026-03-01', 'cancelled'), TODAY)).toBeNull();
  });

  it('hides a snoozed task until its snooze day comes, then treats it as open', () => {
    expect(dueView(task('2026-03-01', 'snoozed', '2026-03-11'), TODAY)).toBeNull();
    expect(dueView(task('2026-03-01', 'snoozed', TODAY), TODAY)).toBe('overdue');
    expect(isActionable(task(null, 'snoozed', '2026-03-11'), TODAY)).toBe(false);
    expect(isActionable(task(null, 'snoozed', '2026-03-10'), TODAY)).toBe(true);
  });
});
