import { describe, expect, it } from '@jest/globals';
import { isDue, isValidTimezone, periodOf } from '../../../src/digests/digest-period.js';

const at = (iso: string) => new Date(iso);

describe('digest periods', () => {
  it('names a daily period by the subscriber’s local date, not UTC’s', () => {
    const now = at('2026-11-27T23:30:00Z');
    expect(periodOf({ frequency: 'daily', timezone: 'UTC', hour: 8 }, now)).toBe('2026-11-27');
    expect(periodOf({ frequency: 'daily', timezone: 'Asia/Tokyo', hour: 8 }, now)).toBe('2026-11-28');
    expect(periodOf({ frequency: 'daily', timezone: 'America/Los_Angeles', hour: 8 }, now)).toBe('2026-11-27');
  });

  it('names a weekly period by ISO week, which crosses years correctly', () => {
    expect(periodOf({ frequency: 'weekly', timezone: 'UTC', hour: 8 }, at('2026-11-30T09:00:00Z'))).toBe('2026-W49');
    expect(periodOf({ frequency: 'weekly', timezone: 'UTC', hour: 8 }, at('2027-01-01T09:00:00Z'))).toBe('2026-W53');
  });

  it('is due from the local hour on, and weekly only on Mondays', () => {
    const tokyo = { frequency: 'daily' as const, timezone: 'Asia/Tokyo', hour: 8 };
    expect(isDue(tokyo, at('2026-11-26T22:59:00Z'))).toBe(false); // 07:59 in Tokyo
    expect(isDue(tokyo, at('2026-11-26T23:00:00Z'))).toBe(true); // 08:00
    expect(isDue(tokyo, at('2026-11-27T10:00:00Z'))).toBe(true); // 19:00, a missed tick still delivers
    const weekly = { frequency: 'weekly' as const, timezone: 'UTC', hour: 8 };
    expect(isDue(weekly, at('2026-11-30T09:00:00Z'))).toBe(true); // Monday
    expect(isDue(weekly, at('2026-12-01T09:00:00Z'))).toBe(false); // Tuesday
  });

  it('knows IANA timezones', () => {
    expect(isValidTimezone('Europe/Paris')).toBe(true);
    expect(isValidTimezone('Mars/Olympus')).toBe(false);
  });
});
