import { describe, expect, it } from 'vitest';
import { dayInZone, dayStart, localNoon } from './time.ts';

describe('dayStart', () => {
  it('is local midnight, east and west of UTC', () => {
    expect(dayStart('2026-07-01', 'Asia/Shanghai')).toBe('2026-06-30T16:00:00.000Z');
    expect(dayStart('2026-07-01', 'America/New_York')).toBe('2026-07-01T04:00:00.000Z');
    expect(dayStart('2026-07-01', 'UTC')).toBe('2026-07-01T00:00:00.000Z');
  });

  it('follows a daylight-saving change between UTC midnight and local midnight', () => {
    // New York moves to EDT at 02:00 on 8 March; its 9 March starts at 04:00Z, its 8 March at 05:00Z.
    expect(dayStart('2026-03-08', 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(dayStart('2026-03-09', 'America/New_York')).toBe('2026-03-09T04:00:00.000Z');
    // Lord Howe is +10:30 until 02:00 on 4 October, +11 after: 4 October starts at 13:30Z.
    expect(dayStart('2026-10-04', 'Australia/Lord_Howe')).toBe('2026-10-03T13:30:00.000Z');
  });

  it('starts a day whose midnight the clocks skip at its first instant', () => {
    // Santiago goes from 00:00 straight to 01:00 on 6 September 2026.
    const start = dayStart('2026-09-06', 'America/Santiago');
    expect(start).toBe('2026-09-06T04:00:00.000Z');
    expect(dayInZone(new Date(Date.parse(start) - 1), 'America/Santiago')).toBe('2026-09-05');
  });
});

describe('localNoon', () => {
  it('is noon on the wall clock of the zone', () => {
    expect(localNoon('2026-07-01', 'Asia/Shanghai')).toBe('2026-07-01T04:00:00.000Z');
    expect(localNoon('2026-11-02', 'America/New_York')).toBe('2026-11-02T17:00:00.000Z');
  });
});
