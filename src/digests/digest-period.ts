import { DateTime } from 'luxon';

export type Frequency = 'daily' | 'weekly';

export interface Schedule {
  frequency: Frequency;
  timezone: string;
  hour: number;
}

/**
 * The period a digest belongs to, in the subscriber's own calendar: `2026-11-27` for a daily
 * digest, `2026-W48` for a weekly one. The ledger is unique per subscriber and period, which is
 * what makes a second run, a second instance or a repeated click send nothing.
 */
export function periodOf(schedule: Schedule, now: Date): string {
  const local = DateTime.fromJSDate(now, { zone: schedule.timezone });
  if (schedule.frequency === 'weekly') return `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`;
  return local.toISODate()!;
}

/**
 * Whether the subscriber's delivery moment in the current period has come. "At or after the
 * hour" rather than "in the hour", so a tick missed during a restart still delivers that day.
 */
export function isDue(schedule: Schedule, now: Date): boolean {
  const local = DateTime.fromJSDate(now, { zone: schedule.timezone });
  if (schedule.frequency === 'weekly' && local.weekday !== 1) return false;
  return local.hour >= schedule.hour;
}

/**
 * Where a first digest's window starts: a day back, daily or weekly, so a newcomer's first email
 * is today's news, short, not a week's (or the archive's) hundred matches.
 */
export function firstWindowStart(_frequency: Frequency, now: Date): Date {
  return new Date(now.getTime() - 86_400_000);
}

/** How far back a digest reaches at most, e.g. for a subscriber back from a long pause. */
export const MAX_WINDOW_MS = 14 * 86_400_000;

/** Where a digest's papers start: the end of the previous digest, at most MAX_WINDOW_MS back. */
export function windowStartFor(frequency: Frequency, previousEnd: Date | undefined, now: Date): Date {
  if (!previousEnd) return firstWindowStart(frequency, now);
  return new Date(Math.max(previousEnd.getTime(), now.getTime() - MAX_WINDOW_MS));
}

export function isValidTimezone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}
