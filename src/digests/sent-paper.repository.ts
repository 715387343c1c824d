import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource } from 'typeorm';
import { dialectOf, param, sqlTimestamp, type DialectName } from '../database/dialect.js';
import type { WriteSteps } from '../database/write-steps.js';

/** A paper sent to a reader, as it was then (sent_*) and as it is now. */
export interface SentPaperRow {
  paper_id: number;
  title: string;
  arxiv_id: string | null;
  source: string;
  arxiv_url: string | null;
  sent_code: string | null;
  sent_project: string | null;
  sent_upvotes: number | null;
  code_url: string | null;
  project_url: string | null;
  upvotes: number | null;
}

/** The `sent_papers` table: what each reader was sent of each paper, and which updates were told. */
@Injectable()
export class SentPaperRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get d(): DialectName {
    return dialectOf({ connection: this.dataSource });
  }

  /** Sent papers with no update told yet that gained a code link or a project page, or reached `trending` upvotes and doubled. */
  changedSince(subscriberId: number, trending: number, limit: number): Promise<SentPaperRow[]> {
    const p = (n: number) => param(this.d, n);
    return this.dataSource.query(
      `SELECT s.paper_id, p.title, p.arxiv_id, p.source, p.arxiv_url, s.code_url AS sent_code, s.project_url AS sent_project, s.upvotes AS sent_upvotes,
              p.code_url, p.project_url, p.upvotes
       FROM sent_papers s JOIN papers p ON p.id = s.paper_id
       WHERE s.subscriber_id = ${p(1)} AND s.update_sent_at IS NULL
         AND ((p.code_url IS NOT NULL AND s.code_url IS NULL) OR (p.project_url IS NOT NULL AND s.project_url IS NULL)
              OR (p.upvotes >= ${p(2)} AND p.upvotes >= 2 * coalesce(s.upvotes, 0)))
       ORDER BY s.sent_at DESC, s.paper_id LIMIT ${Number(limit)}`,
      [subscriberId, trending],
    );
  }

  /** Snapshots the papers from the table, not the candidate: what each paper was when this digest went; told updates never come back. */
  *recordSentSteps(subscriberId: number, deliveryId: number, paperIds: number[], updatedIds: number[], now: Date): WriteSteps<void> {
    const p = (n: number) => param(this.d, n);
    const at = sqlTimestamp(this.d, now);
    if (paperIds.length > 0) {
      yield {
        sql: `INSERT INTO sent_papers (subscriber_id, paper_id, delivery_id, sent_at, code_url, project_url, upvotes)
         SELECT ${p(1)}, id, ${p(2)}, ${p(3)}, code_url, project_url, upvotes FROM papers WHERE id IN (${paperIds.map((_, i) => p(i + 4)).join(', ')})
         ON CONFLICT (subscriber_id, paper_id) DO NOTHING`,
        params: [subscriberId, deliveryId, at, ...paperIds],
      };
    }
    for (const paperId of updatedIds) {
      yield {
        sql: `UPDATE sent_papers SET update_sent_at = ${p(1)}, update_delivery_id = ${p(2)} WHERE subscriber_id = ${p(3)} AND paper_id = ${p(4)} AND update_sent_at IS NULL`,
        params: [at, deliveryId, subscriberId, paperId],
      };
    }
  }
}
