import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { dialectOf, param } from '../database/dialect.js';
import { parseTimestamp } from '../database/timestamp.js';

/** What the feeds read: a topic's newest papers, and the digests a reader was sent. */
@Injectable()
export class FeedRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Ids of the papers tagged with the topic, newest available first. */
  async topicPaperIds(slug: string, limit: number): Promise<number[]> {
    const rows: { id: number }[] = await this.dataSource.query(
      `SELECT p.id FROM papers p JOIN paper_topics t ON t.paper_id = p.id WHERE t.topic_slug = ${this.p(1)}
       ORDER BY p.available_at DESC, p.id DESC LIMIT ${Number(limit)}`,
      [slug],
    );
    return rows.map((r) => Number(r.id));
  }

  /** The reader's sent digests, newest first, with the papers each held. */
  async sentDigests(subscriberId: number, limit: number): Promise<{ id: number; paperIds: number[]; sentAt: Date }[]> {
    const rows: { id: number; paper_ids: string | null; sent_at: string | Date }[] = await this.dataSource.query(
      `SELECT id, paper_ids, sent_at FROM digest_deliveries WHERE subscriber_id = ${this.p(1)} AND status = 'sent' AND sent_at IS NOT NULL
       ORDER BY sent_at DESC, id DESC LIMIT ${Number(limit)}`,
      [subscriberId],
    );
    return rows.map((r) => ({ id: Number(r.id), paperIds: (JSON.parse(r.paper_ids ?? '[]') as number[]).map(Number), sentAt: parseTimestamp(r.sent_at) }));
  }

  private p(n: number): string {
    return param(dialectOf({ connection: this.dataSource }), n);
  }
}
