import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { dialectOf, execute, param, sqlTimestamp, type DialectName } from '../database/dialect.js';
import { parseTimestamp } from '../database/timestamp.js';
import { claimIsLive } from '../digests/delivery.claims.js';

export type ChannelDeliveryStatus = 'pending' | 'sent' | 'skipped' | 'failed' | 'rejected';

export interface ClaimedChannelDelivery {
  id: number;
  channelId: number;
  period: string;
  attempts: number;
  windowStart: Date;
}

interface Row {
  id: number;
  status: ChannelDeliveryStatus;
  attempts: number;
  claimed_by: string | null;
  window_start: string | Date;
  updated_at: string | Date;
}

/**
 * The channels' own ledger, one row per channel and period, claimed the way digest_deliveries are
 * (delivery.claims.ts): the row is created claimed, or an unsent one taken over by compare-and-set
 * on its holder once the run holding it is dead. `sent`, `skipped` and `rejected` (a 4xx) are final.
 */
@Injectable()
export class ChannelLedger {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get d(): DialectName {
    return dialectOf({ connection: this.dataSource });
  }

  async lastWindowEnd(channelId: number): Promise<Date | undefined> {
    const [row]: { last: string | Date | null }[] = await this.dataSource.query(
      `SELECT max(window_end) AS last FROM channel_deliveries WHERE channel_id = ${param(this.d, 1)} AND status IN ('sent', 'skipped')`,
      [channelId],
    );
    return row?.last ? parseTimestamp(row.last) : undefined;
  }

  async claim(channelId: number, period: string, runId: number | null, claimant: string, windowStart: Date, now: Date): Promise<ClaimedChannelDelivery | null> {
    const p = (n: number) => param(this.d, n);
    const t = sqlTimestamp(this.d, now);
    await this.dataSource.query(
      `INSERT INTO channel_deliveries (channel_id, period, run_id, claimed_by, window_start, created_at, updated_at, status, attempts)
       VALUES (${[1, 2, 3, 4, 5, 6, 7].map(p).join(', ')}, 'pending', 0) ON CONFLICT (channel_id, period) DO NOTHING`,
      [channelId, period, runId, claimant, sqlTimestamp(this.d, windowStart), t, t],
    );
    const [row]: Row[] = await this.dataSource.query(
      `SELECT id, status, attempts, claimed_by, window_start, updated_at FROM channel_deliveries WHERE channel_id = ${p(1)} AND period = ${p(2)}`,
      [channelId, period],
    );
    if (!row || (row.status !== 'pending' && row.status !== 'failed')) return null;
    if (row.claimed_by !== claimant && !(await this.takeOver(row, runId, claimant, now))) return null;
    return { id: Number(row.id), channelId, period, attempts: Number(row.attempts), windowStart: parseTimestamp(row.window_start) };
  }

  private async takeOver(row: Row, runId: number | null, claimant: string, now: Date): Promise<boolean> {
    if (claimIsLive(row.claimed_by, parseTimestamp(row.updated_at), now)) return false;
    const p = (n: number) => param(this.d, n);
    const sameHolder = row.claimed_by === null ? 'claimed_by IS NULL' : `claimed_by = ${p(5)}`;
    const changed = await execute(
      this.dataSource,
      `UPDATE channel_deliveries SET run_id = ${p(1)}, claimed_by = ${p(2)}, updated_at = ${p(3)} WHERE id = ${p(4)} AND status IN ('pending', 'failed') AND ${sameHolder}`,
      [runId, claimant, sqlTimestamp(this.d, now), row.id, ...(row.claimed_by === null ? [] : [row.claimed_by])],
    );
    return changed === 1;
  }

  async finish(
    id: number,
    status: ChannelDeliveryStatus,
    fields: { attempts?: number; error?: string | null; windowEnd?: Date; paperIds?: number[]; sentAt?: Date },
  ): Promise<void> {
    const set: Record<string, unknown> = { status, claimed_by: null, updated_at: sqlTimestamp(this.d, new Date()) };
    if (fields.attempts !== undefined) set.attempts = fields.attempts;
    if (fields.error !== undefined) set.error = fields.error?.slice(0, 2000) ?? null;
    if (fields.windowEnd) set.window_end = sqlTimestamp(this.d, fields.windowEnd);
    if (fields.paperIds) set.paper_ids = JSON.stringify(fields.paperIds);
    if (fields.sentAt) set.sent_at = sqlTimestamp(this.d, fields.sentAt);
    const entries = Object.entries(set);
    await this.dataSource.query(
      `UPDATE channel_deliveries SET ${entries.map(([k], i) => `${k} = ${param(this.d, i + 1)}`).join(', ')} WHERE id = ${param(this.d, entries.length + 1)}`,
      [...entries.map(([, v]) => v), id],
    );
  }
}
