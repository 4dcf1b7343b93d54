// Journey milestone timing (seed 003: 30 / 90 / 180 / 365 days after go-live). Pure.
import { addDays, daysBetween } from '../../time.ts';

export const MILESTONE_STATUSES = ['achieved', 'late', 'due', 'upcoming'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

/** A milestone is "due" (not yet late) in the last this many days before its due day. */
export const DUE_WINDOW_DAYS = 30;

/**
 * Where an account stands with a milestone on `day`: achieved (on or before the day), late (its
 * due day after go-live has passed without it), due (within DUE_WINDOW_DAYS of the due day), or
 * upcoming. Null without a go-live date: the journey has not started.
 */
export function milestoneStatus(m: {
  goLive: string | null;
  dueDay: number;
  achievedOn: string | null;
  day: string;
}): { status: MilestoneStatus; dueDate: string } | null {
  if (!m.goLive) return null;
  const dueDate = addDays(m.goLive, m.dueDay);
  if (m.achievedOn !== null && m.achievedOn <= m.day) return { status: 'achieved', dueDate };
  if (m.day > dueDate) return { status: 'late', dueDate };
  if (daysBetween(m.day, dueDate) <= DUE_WINDOW_DAYS) return { status: 'due', dueDate };
  return { status: 'upcoming', dueDate };
}
