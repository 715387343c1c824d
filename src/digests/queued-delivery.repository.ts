import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dialectOf, execute, param, sqlTimestamp, type DialectName } from '../database/dialect.js';
import { parseTimestamp } from './candidate.loader.js';
import { claimIsLive } from './delivery.claims.js';
import type { ClaimedDelivery } from './digest-ledger.repository.js';

/** What a queued job finds in the ledger when it starts. */
export type QueuedClaim = { kind: 'claimed'; delivery: ClaimedDelivery } | { kind: 'done' } | { kind: 'busy'; holder: string };

interface Row {
  id: number;
  subscriber_id: number;
  period: string;
  resend: number;
  status: string;
  attempts: number;
  claimed_by: string | null;
  window_start: string | Date;
  updated_at: string | Date;
}

/** Rows handed to the queue are claimed by `queue:<runId>` until a worker takes them over. */
export function queueClaimant(runId: number): string {
  return `queue:${runId}`;
}

/**
 * The ledger seen from a queue worker: one row at a time, taken over by compare-and-set, so a job
 * delivered twice (a redelivered stalled job, a repeated enqueue) sends at most once.
 */
@Injectable()
export class QueuedDeliveryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get d(): DialectName {
    return dialectOf({ connection: this.dataSource });
  }

  async claim(id: number, claimant: string, now = new Date()): Promise<QueuedClaim> {
    const p = (n: number) => param(this.d, n);
    const [row]: Row[] = await this.dataSource.query(
      `SELECT id, subscriber_id, period, resend, status, attempts, claimed_by, window_start, updated_at FROM digest_deliveries WHERE id = ${p(1)}`,
      [id],
    );
    if (!row || (row.status !== 'pending' && row.status !== 'failed')) return { kind: 'done' };
    const holder = row.claimed_by;
    if (holder && holder !== claimant && !holder.startsWith('queue:') && claimIsLive(holder, parseTimestamp(row.updated_at), now)) return { kind: 'busy', holder };
    const same = holder === null ? 'claimed_by IS NULL' : `claimed_by = ${p(4)}`;
    const changed = await execute(
      this.dataSource,
      `UPDATE digest_deliveries SET claimed_by = ${p(1)}, updated_at = ${p(2)} WHERE id = ${p(3)} AND status IN ('pending', 'failed') AND ${same}`,
      [claimant, sqlTimestamp(this.d, now), id, ...(holder === null ? [] : [holder])],
    );
    if (changed !== 1) return { kind: 'busy', holder: 'another worker' };
    return {
      kind: 'claimed',
      delivery: { id: Number(row.id), subscriberId: Number(row.subscriber_id), period: row.period, resend: Number(row.resend), attempts: Number(row.attempts), windowStart: parseTimestamp(row.window_start) },
    };
  }

  /** Counts one outcome on its run, and closes the run when every delivery it planned is accounted for. */
  async countOutcome(runId: number, column: 'sent' | 'skipped_empty' | 'failed'): Promise<void> {
    await this.dataSource.query(`UPDATE digest_runs SET ${column} = ${column} + 1 WHERE id = ${param(this.d, 1)}`, [runId]);
    await this.closeIfDone(runId);
  }

  /** A queued run is finished once its planning is over (status queued) and every delivery is counted. */
  async closeIfDone(runId: number): Promise<void> {
    const p = (n: number) => param(this.d, n);
    await this.dataSource.query(
      `UPDATE digest_runs SET status = 'finished', finished_at = ${p(1)}
       WHERE id = ${p(2)} AND status = 'queued' AND sent + skipped_empty + failed >= selected`,
      [sqlTimestamp(this.d, new Date()), runId],
    );
  }
}
