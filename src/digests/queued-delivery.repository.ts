import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { dialectOf, execute, param, returning, sqlTimestamp, type DialectName } from '../database/dialect.js';
import { parseTimestamp } from '../database/timestamp.js';
import { claimIsLive } from './delivery.claims.js';
import { toClaimed, type ClaimedDelivery } from './digest-ledger.repository.js';

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
    return (await this.claimQueued(id, claimant, now)) ?? this.takeOver(id, claimant, now);
  }

  /** The common case in one round trip: a row the planner handed to the queue, not yet taken by any worker. */
  private async claimQueued(id: number, claimant: string, now: Date): Promise<QueuedClaim | null> {
    const p = (n: number) => param(this.d, n);
    const [row] = await returning<Row>(
      this.dataSource,
      `UPDATE digest_deliveries SET claimed_by = ${p(1)}, updated_at = ${p(2)}
       WHERE id = ${p(3)} AND status IN ('pending', 'failed') AND (claimed_by IS NULL OR claimed_by LIKE 'queue:%')
       RETURNING id, subscriber_id, period, resend, attempts, window_start`,
      [claimant, sqlTimestamp(this.d, now), id],
    );
    return row ? { kind: 'claimed', delivery: toClaimed(row) } : null;
  }

  /** A row some worker holds: taken over only if that worker is dead (a redelivered stalled job). */
  private async takeOver(id: number, claimant: string, now: Date): Promise<QueuedClaim> {
    const p = (n: number) => param(this.d, n);
    const [row]: Row[] = await this.dataSource.query(
      `SELECT id, subscriber_id, period, resend, status, attempts, claimed_by, window_start, updated_at FROM digest_deliveries WHERE id = ${p(1)}`,
      [id],
    );
    if (!row || (row.status !== 'pending' && row.status !== 'failed')) return { kind: 'done' };
    const holder = row.claimed_by;
    if (holder && holder !== claimant && !holder.startsWith('queue:') && claimIsLive(holder, parseTimestamp(row.updated_at), now))
      return { kind: 'busy', holder };
    const same = holder === null ? 'claimed_by IS NULL' : `claimed_by = ${p(4)}`;
    const changed = await execute(
      this.dataSource,
      `UPDATE digest_deliveries SET claimed_by = ${p(1)}, updated_at = ${p(2)} WHERE id = ${p(3)} AND status IN ('pending', 'failed') AND ${same}`,
      [claimant, sqlTimestamp(this.d, now), id, ...(holder === null ? [] : [holder])],
    );
    if (changed !== 1) return { kind: 'busy', holder: 'another worker' };
    return { kind: 'claimed', delivery: toClaimed(row) };
  }

  /**
   * Adds outcomes to a run's counts and closes the run once every planned delivery is counted.
   * Workers batch these (a second's worth) so they do not all queue on the run's one row.
   */
  async addOutcomes(runId: number, n: { sent: number; skippedEmpty: number; failed: number; selected?: number }): Promise<void> {
    const p = (k: number) => param(this.d, k);
    // A finished run's counts are the ledger's (closeIfDone): a worker flushing late adds nothing to them.
    await this.dataSource.query(
      `UPDATE digest_runs SET sent = sent + ${p(1)}, skipped_empty = skipped_empty + ${p(2)}, failed = failed + ${p(3)}, selected = selected + ${p(4)}
       WHERE id = ${p(5)} AND status <> 'finished'`,
      [n.sent, n.skippedEmpty, n.failed, n.selected ?? 0, runId],
    );
    await this.closeIfDone(runId);
  }

  /**
   * A queued run is finished once its planning is over (status queued), every range of due readers
   * it handed out is done and none of its rows is pending. Its final counts come from the ledger,
   * so outcomes a killed worker never flushed are counted all the same; a run planned in ranges
   * also takes its `selected` from there (the deliveries its workers claimed).
   */
  async closeIfDone(runId: number): Promise<void> {
    const p = (n: number) => param(this.d, n);
    const count = (statuses: string) => `(SELECT count(*) FROM digest_deliveries d WHERE d.run_id = digest_runs.id AND d.status IN (${statuses}))`;
    const ranged = 'EXISTS (SELECT 1 FROM digest_run_ranges r WHERE r.run_id = digest_runs.id)';
    await this.dataSource.query(
      `UPDATE digest_runs SET status = 'finished', finished_at = ${p(1)},
         sent = ${count("'sent'")}, skipped_empty = ${count("'skipped'")}, failed = ${count("'failed', 'bounced'")},
         selected = CASE WHEN ${ranged} THEN (SELECT count(*) FROM digest_deliveries d WHERE d.run_id = digest_runs.id) ELSE selected END
       WHERE id = ${p(2)} AND status = 'queued'
         AND NOT EXISTS (SELECT 1 FROM digest_run_ranges r WHERE r.run_id = digest_runs.id AND r.done_at IS NULL)
         AND NOT EXISTS (SELECT 1 FROM digest_deliveries d WHERE d.run_id = digest_runs.id AND d.status = 'pending')`,
      [sqlTimestamp(this.d, new Date()), runId],
    );
  }
}
