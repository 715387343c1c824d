import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * - pending: planned, not sent yet (a crashed run leaves these; the next run resumes them)
 * - sent: the relay accepted it
 * - skipped: nothing matched this period, so no email
 * - failed: temporary failures outlasted the retries; a later run tries again
 * - bounced: the relay refused the address for good; the subscriber is marked bounced
 */
export type DeliveryStatus = 'pending' | 'sent' | 'skipped' | 'failed' | 'bounced';

/** The ledger: one row per subscriber, period and resend. */
@Entity('digest_deliveries')
export class DigestDelivery {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'subscriber_id', type: 'integer' })
  subscriberId: number;

  @Column({ type: 'varchar', length: 10 })
  period: string;

  /** 0 for the period's digest; 1, 2, … for copies an admin forced. */
  @Column({ type: 'integer' })
  resend: number;

  /** The run that last worked on this delivery. */
  @Column({ name: 'run_id', type: 'integer' })
  runId: number;

  @Column({ type: 'varchar', length: 20 })
  status: DeliveryStatus;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'message_id', type: 'varchar', length: 255, nullable: true })
  messageId: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Every paper the digest matched, best first; the email showed the first DIGEST_MAX_PAPERS. */
  @Column({ name: 'paper_ids', type: 'simple-json', nullable: true })
  paperIds: number[] | null;

  /** Matching papers beyond DIGEST_MAX_PAPERS ("and N more"). */
  @Column({ name: 'more_count', type: 'integer' })
  moreCount: number;

  @Column({ name: 'window_start', type: Date, nullable: true })
  windowStart: Date | null;

  @Column({ name: 'window_end', type: Date, nullable: true })
  windowEnd: Date | null;

  /** `host:pid:run-uuid` of the run working on this row while it is unsent. */
  @Column({ name: 'claimed_by', type: 'varchar', length: 100, nullable: true })
  claimedBy: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt: Date;

  @Column({ name: 'sent_at', type: Date, nullable: true })
  sentAt: Date | null;
}
