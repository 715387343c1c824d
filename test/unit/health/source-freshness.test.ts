import { describe, expect, it } from '@jest/globals';
import { weekdayHoursBetween } from '../../../src/health/source-freshness.js';

describe('weekdayHoursBetween', () => {
  const at = (iso: string) => new Date(iso);

  it('counts every hour between weekdays', () => {
    expect(weekdayHoursBetween(at('2026-08-19T06:00:00Z'), at('2026-08-20T18:00:00Z'))).toBe(36);
  });

  it('does not count Saturday and Sunday (UTC): Friday evening to Monday morning is 14 hours', () => {
    expect(weekdayHoursBetween(at('2026-08-21T18:00:00Z'), at('2026-08-24T08:00:00Z'))).toBe(14);
    expect(weekdayHoursBetween(at('2026-08-21T18:00:00Z'), at('2026-08-25T08:00:00Z'))).toBe(38);
  });

  it('is zero inside a weekend and for a reversed range', () => {
    expect(weekdayHoursBetween(at('2026-08-22T01:00:00Z'), at('2026-08-23T23:00:00Z'))).toBe(0);
    expect(weekdayHoursBetween(at('2026-08-24T01:00:00Z'), at('2026-08-20T23:00:00Z'))).toBe(0);
  });
});
