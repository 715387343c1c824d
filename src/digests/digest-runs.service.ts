import { Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError } from '../common/errors.js';
import { parseTimestamp } from '../database/timestamp.js';
import type { DeliveryStatus } from './digest-delivery.entity.js';
import type { DigestRun } from './digest-run.entity.js';
import { DigestRunRepository } from './digest-run.repository.js';
import { DueRangeRepository, type RangeProgress } from './due-range.repository.js';
import { reasonFor } from '../subscribers/preferences.digest-status.js';

const STATUSES: DeliveryStatus[] = ['pending', 'sent', 'skipped', 'failed', 'bounced'];

/** One subscriber's outcome in a run, as the ledger has it. */
export interface RunDelivery {
  id: number;
  email: string;
  period: string;
  /** 0 for the period's digest, 1, 2, … for copies an admin forced. */
  resend: number;
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
  /** Papers the digest matched (the email shows at most DIGEST_MAX_PAPERS of them). */
  papers: number;
  sentAt: string | null;
  /** Why this subscriber got no email from the run (nothing matched, source stale, bounced, …); null when sent. */
  reason: string | null;
}

export interface RunDetail {
  run: DigestRun;
  /** Ledger rows of this run by status; a row a later run took over (a retry) counts there instead. */
  outcomes: Record<DeliveryStatus, number>;
  total: number;
  deliveries: RunDelivery[];
  /**
   * A queued scheduled run hands its due readers to the workers in ranges and has no ledger row for
   * a reader until a worker claims it: how many readers it handed out, in how many jobs, how many
   * done. Null for runs that claimed every delivery themselves.
   */
  queue: RangeProgress | null;
}

export interface DeliveryFilter {
  status?: string;
  limit?: number;
  offset?: number;
}

/** Reading digest runs and their ledger rows, for `paperboy runs`, the admin API and the admin page. */
@Injectable()
export class DigestRunsService {
  constructor(
    private readonly runs: DigestRunRepository,
    private readonly ranges: DueRangeRepository,
  ) {}

  list(limit = 50, offset = 0): Promise<DigestRun[]> {
    return this.runs.list(limit, offset);
  }

  async show(id: number, filter: DeliveryFilter = {}): Promise<RunDetail> {
    const run = await this.runs.findById(id);
    if (!run) throw new NotFoundError(`no digest run ${id}`);
    if (filter.status !== undefined && !STATUSES.includes(filter.status as DeliveryStatus)) {
      throw new InvalidInputError(`status must be one of ${STATUSES.join(', ')}, got "${filter.status.slice(0, 40)}"`);
    }
    const outcomes = await this.outcomes(id);
    const total = filter.status ? outcomes[filter.status as DeliveryStatus] : Object.values(outcomes).reduce((a, b) => a + b, 0);
    return { run, outcomes, total, deliveries: await this.deliveries(run, filter), queue: await this.ranges.progress(id) };
  }

  private async outcomes(runId: number): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.runs.outcomes(runId);
    const out = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  private async deliveries(run: DigestRun, filter: DeliveryFilter): Promise<RunDelivery[]> {
    const limit = Math.min(Math.max(filter.limit ?? 500, 1), 5000);
    const status = filter.status as DeliveryStatus | undefined;
    const rows = await this.runs.deliveries(run.id, { status, limit, offset: Math.max(filter.offset ?? 0, 0) });
    return rows.map((r) => ({
      id: Number(r.id),
      email: String(r.email),
      period: String(r.period),
      resend: Number(r.resend),
      status: r.status as DeliveryStatus,
      attempts: Number(r.attempts),
      error: (r.error as string | null) ?? null,
      papers: paperCount(r.paper_ids),
      sentAt: r.sent_at ? parseTimestamp(r.sent_at as string | Date).toISOString() : null,
      reason: reasonFor(String(r.status), run.options),
    }));
  }
}

function paperCount(raw: unknown): number {
  if (typeof raw !== 'string' || !raw) return 0;
  const ids = JSON.parse(raw) as unknown;
  return Array.isArray(ids) ? ids.length : 0;
}
