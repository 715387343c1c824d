import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { parseTimestamp } from '../database/timestamp.js';

export interface SourceState {
  stale: boolean;
  /** When the last paper that was news for digests arrived; null before the first. */
  lastNewPaperAt: string | null;
  /** Hours since then, Saturday and Sunday (UTC) not counted. */
  hoursWithoutNew: number | null;
  staleAfterHours: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Hours from `from` to `to` that count towards staleness: Saturdays and Sundays (UTC) do not,
 * because arXiv announces nothing on Friday and Saturday nights and HF Daily Papers is quiet at
 * weekends. So a Friday-evening dump is not stale on Monday morning with the default 36 hours.
 */
export function weekdayHoursBetween(from: Date, to: Date): number {
  let ms = 0;
  for (let t = from.getTime(); t < to.getTime();) {
    const dayEnd = Math.min(Math.floor(t / DAY) * DAY + DAY, to.getTime());
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) ms += dayEnd - t;
    t = dayEnd;
  }
  return ms / HOUR;
}

/**
 * Is the paper source still flowing? No new papers for INGEST_STALE_HOURS (weekends aside) turns
 * /health to `degraded`, shows a banner on the admin page, sets `paperboy_source_stale` and is
 * recorded on every digest run started meanwhile.
 */
@Injectable()
export class SourceFreshness {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async state(now: Date = this.clock.now()): Promise<SourceState> {
    const [row] = await this.dataSource.query('SELECT max(available_at) AS last FROM papers');
    const last = row?.last ? parseTimestamp(row.last as string | Date) : null;
    const staleAfterHours = this.config.ingestStaleHours;
    if (!last) return { stale: false, lastNewPaperAt: null, hoursWithoutNew: null, staleAfterHours };
    const hours = Math.round(weekdayHoursBetween(last, now) * 10) / 10;
    return { stale: hours > staleAfterHours, lastNewPaperAt: last.toISOString(), hoursWithoutNew: hours, staleAfterHours };
  }

  /** `paperboy_source_stale` (1 or 0) and `paperboy_source_hours_without_new`, read at each scrape. */
  register(registry: Registry): void {
    const read = () => this.state();
    new Gauge({
      name: 'paperboy_source_stale',
      help: '1 when no new papers arrived for INGEST_STALE_HOURS (weekends aside)',
      registers: [registry],
      async collect() {
        this.set((await read()).stale ? 1 : 0);
      },
    });
    new Gauge({
      name: 'paperboy_source_hours_without_new',
      help: 'Hours since the last new paper, weekends not counted (-1 before the first)',
      registers: [registry],
      async collect() {
        this.set((await read()).hoursWithoutNew ?? -1);
      },
    });
  }
}
