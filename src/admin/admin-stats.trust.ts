import { DateTime } from 'luxon';
import { parseTimestamp } from '../database/timestamp.js';
import type { SourceState } from '../health/source-freshness.js';
import type { Rows } from './admin-stats.repository.js';

/** What the dashboard adds to `/api/admin/stats` (the older fields stay as they were). */
export interface DashboardStats {
  /** Papers first stored per UTC day and dump format, over the same days as `digests.perDay`. */
  papers: { perDay: { date: string; total: number; bySource: Record<string, number> }[]; sources: string[] };
  /** Ledger outcomes per UTC day: sent by sent_at, the others by when they were recorded. */
  outcomesPerDay: { date: string; sent: number; skipped: number; failed: number; bounced: number }[];
  lastIngest: { at: string; papers: number; source: string } | null;
  /** The next moment some confirmed, unpaused subscriber's digest is due (the scheduler sends it at its next tick). */
  nextScheduledRun: { at: string; subscribers: number } | null;
  source: SourceState;
}

export function dashboardStats(
  rows: { papers: Rows; outcomes: Rows; last: Rows; schedules: Rows },
  days: string[],
  now: Date,
  source: SourceState,
): DashboardStats {
  const { papers, outcomes, last, schedules } = rows;
  const sources = [...new Set(papers.map((r) => String(r.source)))].sort();
  return {
    papers: { perDay: days.map((date) => papersOn(date, papers)), sources },
    outcomesPerDay: days.map((date) => outcomesOn(date, outcomes)),
    lastIngest: last.length
      ? { at: parseTimestamp(last[0].at as string | Date).toISOString(), papers: last.reduce((n, r) => n + Number(r.n), 0), source: String(last[0].source) }
      : null,
    nextScheduledRun: nextRun(schedules, now),
    source,
  };
}

function papersOn(date: string, rows: Rows) {
  const bySource: Record<string, number> = {};
  for (const r of rows.filter((x) => String(x.day) === date)) bySource[String(r.source)] = Number(r.n);
  return { date, total: Object.values(bySource).reduce((a, b) => a + b, 0), bySource };
}

function outcomesOn(date: string, rows: Rows) {
  const n = (status: string) => Number(rows.find((r) => String(r.day) === date && r.status === status)?.n ?? 0);
  return { date, sent: n('sent'), skipped: n('skipped'), failed: n('failed'), bounced: n('bounced') };
}

/** The earliest next delivery moment over the distinct schedules (few: zone × hour × frequency), not over every subscriber. */
function nextRun(schedules: Rows, now: Date): DashboardStats['nextScheduledRun'] {
  let best: { at: number; subscribers: number } | null = null;
  for (const s of schedules) {
    let t = DateTime.fromJSDate(now, { zone: String(s.timezone) }).set({ hour: Number(s.delivery_hour), minute: 0, second: 0, millisecond: 0 });
    if (s.frequency === 'weekly') t = t.set({ weekday: 1 });
    while (t.toMillis() <= now.getTime()) t = t.plus(s.frequency === 'weekly' ? { weeks: 1 } : { days: 1 });
    const at = t.toMillis();
    if (!best || at < best.at) best = { at, subscribers: Number(s.n) };
    else if (at === best.at) best.subscribers += Number(s.n);
  }
  return best && { at: new Date(best.at).toISOString(), subscribers: best.subscribers };
}
