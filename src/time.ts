import type { Ctx } from './context.ts';

// Building an Intl.DateTimeFormat costs ~0.1 ms and native memory; ingest asks once per event.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of an instant in a time zone: what "today" means for a workspace. */
export function dayInZone(instant: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  return format.format(instant);
}

export const nowIso = (ctx: Pick<Ctx, 'now'>): string => ctx.now().toISOString();
export const today = (ctx: Pick<Ctx, 'now' | 'workspace'>): string =>
  dayInZone(ctx.now(), ctx.workspace.timeZone);

const DAY_MS = 86_400_000;

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function isValidDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/** Local noon of a day in a time zone, as an ISO instant: when something known only by its day happened. */
export function localNoon(day: string, timeZone: string): string {
  const utcNoon = Date.parse(`${day}T12:00:00.000Z`);
  return new Date(utcNoon - zoneOffset(utcNoon, timeZone)).toISOString();
}

/**
 * The instant a day starts in a time zone, as an ISO instant: the bound for "dated up to the end of
 * the day before". Midnight less the zone's offset at UTC midnight, or less its offset at that
 * first guess when a daylight-saving change lies between: the earlier of the two that falls on the
 * day (where clocks skip midnight, as in Santiago, the day starts at 01:00).
 */
export function dayStart(day: string, timeZone: string): string {
  const midnight = Date.parse(`${day}T00:00:00.000Z`);
  const guess = midnight - zoneOffset(midnight, timeZone);
  const again = midnight - zoneOffset(guess, timeZone);
  const onDay = [guess, again].filter((t) => dayInZone(new Date(t), timeZone) === day);
  return new Date(onDay.length ? Math.min(...onDay) : again).toISOString();
}

/** The zone's offset at an instant, in ms: what its wall clock reads minus UTC. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(instant)
      .map((p) => [p.type, Number(p.value)]),
  );
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!) - instant;
}
