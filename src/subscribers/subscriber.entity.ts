import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];
export const FREQUENCIES = ['daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/**
 * One person who asked for digests. Only `confirmed`, not `paused` subscribers get digests;
 * consent is recorded by the three dates (latest request, confirmation and withdrawal).
 */
@Entity('subscribers')
export class Subscriber {
  @PrimaryGeneratedColumn()
  id: number;

  /** Normalized (see email-address.ts), unique. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 16 })
  status: SubscriberStatus;

  /** Topic slugs, in the reader's order. Not a column: rows of subscriber_topics, read and written by SubscriberRepository. */
  topics: string[];

  /** The subscriber's own query, in the topic query language; null when none. */
  @Column({ type: 'text', nullable: true })
  keywords: string | null;

  /** Names of authors to follow, as the reader wrote them (matched tolerant of initials, accents and order). */
  @Column({ type: 'simple-json' })
  authors: string[];

  /** Versionless arXiv ids of papers the reader likes: the personal ranking's cold start. */
  @Column({ type: 'simple-json' })
  likes: string[];

  @Column({ type: 'varchar', length: 8 })
  frequency: Frequency;

  /** IANA zone name, e.g. Europe/Paris. */
  @Column({ type: 'varchar', length: 64 })
  timezone: string;

  /** Local hour of delivery, 0–23. */
  @Column({ name: 'delivery_hour', type: 'integer' })
  deliveryHour: number;

  @Column({ type: 'boolean' })
  paused: boolean;

  /** Random per-subscriber key mixed into every link signature: deleting or rotating it revokes all links. */
  @Column({ name: 'link_key', type: 'varchar', length: 64 })
  linkKey: string;

  /** Why the status is what it is, e.g. the SMTP reply of a bounce. */
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ name: 'subscribed_at', type: Date })
  subscribedAt: Date;

  @Column({ name: 'confirmed_at', type: Date, nullable: true })
  confirmedAt: Date | null;

  @Column({ name: 'unsubscribed_at', type: Date, nullable: true })
  unsubscribedAt: Date | null;

  /** When the last digest went out; the digest's "papers since" starts here. */
  @Column({ name: 'last_digest_at', type: Date, nullable: true })
  lastDigestAt: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt: Date;
}
