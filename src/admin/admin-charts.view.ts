import type { AdminStats } from './admin-stats.service.js';

/** Server-rendered plots for /admin: geometry computed here, drawn as SVG by templates/web/partials/admin-chart*.hbs. */

const PALETTE = ['#2563eb', '#0d9488', '#d97706', '#9333ea', '#db2777', '#64748b'];
const OUTCOME_COLORS: Record<string, string> = { sent: '#16a34a', skipped: '#94a3b8', failed: '#dc2626', bounced: '#ea580c' };
const W = 640;
const H = 190;
const PAD = { left: 40, right: 8, top: 10, bottom: 24 };

interface Series {
  name: string;
  color: string;
  values: number[];
}

export interface BarChart {
  id: string;
  title: string;
  summary: string;
  width: number;
  height: number;
  grid: { x1: number; x2: number; y: number; tx: number; ty: number; label: string }[];
  bars: { x: number; y: number; w: number; h: number; fill: string; label: string }[];
  xLabels: { x: number; y: number; label: string }[];
  legend: { name: string; color: string }[];
  table: { head: string[]; rows: string[][] };
}

/** Stacked columns, one per day. */
export function stackedByDay(id: string, title: string, dates: string[], series: Series[]): BarChart {
  const totals = dates.map((_, i) => series.reduce((n, s) => n + s.values[i], 0));
  const top = niceMax(Math.max(0, ...totals));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, dates.length);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const bars: BarChart['bars'] = [];
  dates.forEach((date, i) => {
    let base = 0;
    for (const s of series) {
      const v = s.values[i];
      if (v > 0)
        bars.push({
          x: r(PAD.left + i * slot + slot * 0.15),
          y: r(y(base + v)),
          w: r(slot * 0.7),
          h: r(y(base) - y(base + v)),
          fill: s.color,
          label: `${date}: ${v} ${s.name}`,
        });
      base += v;
    }
  });
  const total = totals.reduce((a, b) => a + b, 0);
  const busiest = totals.indexOf(Math.max(...totals));
  return {
    id,
    title,
    summary: `${total} over ${dates.length} days (${series.map((s) => `${s.name} ${s.values.reduce((a, b) => a + b, 0)}`).join(', ')})${total ? `; busiest day ${dates[busiest]} with ${totals[busiest]}` : ''}.`,
    width: W,
    height: H,
    grid: [0, top / 2, top].map((v) => ({ x1: PAD.left, x2: W - PAD.right, y: r(y(v)), tx: PAD.left - 6, ty: r(y(v) + 4), label: String(v) })),
    bars,
    xLabels: dates
      .map((d, i) => ({ d, i }))
      .filter(({ i }) => i % 7 === 0 || (i === dates.length - 1 && i % 7 >= 4))
      .map(({ d, i }) => ({ x: r(PAD.left + i * slot + slot / 2), y: H - 6, label: shortDate(d) })),
    legend: series.map((s) => ({ name: s.name, color: s.color })),
    table: {
      head: ['Day', ...series.map((s) => s.name)],
      rows: dates.map((d, i) => [d, ...series.map((s) => String(s.values[i]))]).filter((row) => row.slice(1).some((v) => v !== '0')),
    },
  };
}

export interface HorizontalChart {
  id: string;
  title: string;
  summary: string;
  width: number;
  height: number;
  rows: { y: number; ty: number; label: string; w: number; value: number; vx: number }[];
  barX: number;
}

/** One bar per topic, most followed first. */
export function topicBars(byTopic: AdminStats['subscribers']['byTopic'], limit = 12): HorizontalChart {
  const shown = byTopic.filter((t) => t.subscribers > 0).slice(0, limit);
  const barX = 250;
  const max = Math.max(1, ...shown.map((t) => t.subscribers));
  const rowH = 22;
  return {
    id: 'chart-topics',
    title: 'Confirmed subscribers per topic',
    summary: shown.length ? shown.map((t) => `${t.name}: ${t.subscribers}`).join('; ') + '.' : 'No confirmed subscriber follows a topic yet.',
    width: W,
    height: Math.max(rowH, shown.length * rowH) + 4,
    barX,
    rows: shown.map((t, i) => {
      const w = r(((W - barX - 50) * t.subscribers) / max);
      const label = t.name.length > 34 ? `${t.name.slice(0, 33).trimEnd()}…` : t.name;
      return { y: i * rowH + 4, ty: i * rowH + 18, label, w, value: t.subscribers, vx: barX + w + 6 };
    }),
  };
}

/** Everything the dashboard section of admin.hbs needs. */
export function dashboardCharts(stats: AdminStats) {
  const dash = stats.dashboard;
  const dates = dash.papers.perDay.map((d) => d.date);
  const sources = dash.papers.sources.map((name, i) => ({
    name,
    color: PALETTE[i % PALETTE.length],
    values: dash.papers.perDay.map((d) => d.bySource[name] ?? 0),
  }));
  const outcomes = (['sent', 'skipped', 'failed', 'bounced'] as const).map((k) => ({
    name: k,
    color: OUTCOME_COLORS[k],
    values: dash.outcomesPerDay.map((d) => d[k]),
  }));
  return {
    papersChart: stackedByDay('chart-papers', 'Papers ingested per day, by source', dates, sources),
    digestsChart: stackedByDay('chart-digests', 'Digests per day: sent, skipped (nothing matched), failed, bounced', dates, outcomes),
    topicsChart: topicBars(stats.subscribers.byTopic),
    rates: [
      {
        name: 'Bounce rate',
        value: pct(stats.rates.bounce),
        w: meter(stats.rates.bounce),
        note: `${stats.digests.bounced} bounced of ${stats.digests.sent + stats.digests.bounced}`,
      },
      {
        name: 'Unsubscribe rate',
        value: pct(stats.rates.unsubscribe),
        w: meter(stats.rates.unsubscribe),
        note: `${stats.rates.unsubscribed} left per ${stats.digests.sent} digests sent`,
      },
    ],
    lastIngest: dash.lastIngest && { ...dash.lastIngest, at: when(dash.lastIngest.at) },
    nextRun: dash.nextScheduledRun && { ...dash.nextScheduledRun, at: when(dash.nextScheduledRun.at) },
    sourceFresh: !dash.source.stale,
    hoursWithoutNew: dash.source.hoursWithoutNew,
  };
}

function niceMax(v: number): number {
  if (v <= 4) return 4;
  const step = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * step >= v) return m * step;
  return 10 * step;
}

function pct(v: number | null): string {
  return v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`;
}

/** Meter width out of 200 px; 10% fills it (a bounce rate past that is an emergency anyway). */
function meter(v: number | null): number {
  return v === null ? 0 : r(Math.min(1, v / 0.1) * 200);
}

function shortDate(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

function when(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ') + ' UTC';
}

function r(v: number): number {
  return Math.round(v * 10) / 10;
}
