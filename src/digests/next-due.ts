import { DateTime } from 'luxon';
import { isDue, type Schedule } from './digest-period.js';

/**
 * The instant a reader who is not due at `now` becomes due (see isDue): their delivery hour later
 * today, or on the next day (next Monday, weekly) when today's has passed or today is not theirs.
 */
export function nextDueMoment(schedule: Schedule, now: Date): Date {
  const step = schedule.frequency === 'weekly' ? { weeks: 1 } : { days: 1 };
  let t = atHour(DateTime.fromJSDate(now, { zone: schedule.timezone }), schedule);
  for (let i = 0; i < 3 && (t.toMillis() <= now.getTime() || !isDue(schedule, t.toJSDate())); i++) t = atHour(t.plus(step), schedule);
  return t.toJSDate();
}

/**
 * The instant the digest after `period`'s is due: the delivery hour of the next day (or next
 * Monday). Null when the period is not one of this schedule's (the frequency changed since), so the
 * caller leaves the reader to be looked at again.
 */
export function nextDueAfter(schedule: Schedule, period: string): Date | null {
  const weekly = schedule.frequency === 'weekly';
  if (!(weekly ? /^\d{4}-W\d{2}$/ : /^\d{4}-\d{2}-\d{2}$/).test(period)) return null;
  const start = DateTime.fromISO(weekly ? `${period}-1` : period, { zone: schedule.timezone });
  if (!start.isValid) return null;
  return atHour(start.plus(weekly ? { weeks: 1 } : { days: 1 }), schedule).toJSDate();
}

/** The start of the schedule's hour on that local day (Monday of that week, weekly). */
function atHour(t: DateTime, schedule: Schedule): DateTime {
  const day = schedule.frequency === 'weekly' ? t.set({ weekday: 1 }) : t;
  return day.startOf('day').set({ hour: schedule.hour });
}
