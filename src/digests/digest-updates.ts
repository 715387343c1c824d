import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dialectOf, param, sqlTimestamp, type DialectName } from '../database/dialect.js';
import type { WriteSteps } from '../database/write-steps.js';
import { paperUrl } from '../papers/papers.service.js';
import type { SelectedPaper } from './digest.selection.js';

/** A paper already sent to a reader that has since changed in a way worth a second look. */
export interface PaperUpdate {
  paperId: number;
  title: string;
  url: string;
  codeUrl: string | null;
  projectUrl: string | null;
  upvotes: number | null;
  /** What changed since we sent it, in words: "code released", "project page", "upvotes 24 → 61". */
  changes: string[];
}

/** Trending threshold: at least this many upvotes, and at least double the count when it was sent. */
export const TRENDING_UPVOTES = 50;
/** "Updated since we sent it" is a short section, not a second digest. */
export const MAX_UPDATES = 5;

interface Row {
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

/**
 * What each reader was sent of each paper (sent_papers), and the updates that follow from it:
 * a sent paper that later gains a code link or a project page, or doubles its upvotes past 50,
 * comes back once in the next digest; the update is recorded so it never comes back again.
 */
@Injectable()
export class DigestUpdates {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get d(): DialectName {
    return dialectOf({ connection: this.dataSource });
  }

  /** The reader's papers worth a second look now, most recently sent first. */
  async pending(subscriberId: number): Promise<PaperUpdate[]> {
    const p = (n: number) => param(this.d, n);
    const rows: Row[] = await this.dataSource.query(
      `SELECT s.paper_id, p.title, p.arxiv_id, p.source, p.arxiv_url, s.code_url AS sent_code, s.project_url AS sent_project, s.upvotes AS sent_upvotes,
              p.code_url, p.project_url, p.upvotes
       FROM sent_papers s JOIN papers p ON p.id = s.paper_id
       WHERE s.subscriber_id = ${p(1)} AND s.update_sent_at IS NULL
         AND ((p.code_url IS NOT NULL AND s.code_url IS NULL) OR (p.project_url IS NOT NULL AND s.project_url IS NULL)
              OR (p.upvotes >= ${p(2)} AND p.upvotes >= 2 * coalesce(s.upvotes, 0)))
       ORDER BY s.sent_at DESC, s.paper_id LIMIT ${MAX_UPDATES}`,
      [subscriberId, TRENDING_UPVOTES],
    );
    return rows.map(toUpdate);
  }

  /** After a digest went: what it sent of each new paper, and that its updates were told. */
  /** What a sent digest gave the reader, as write steps committed with the rest of its records. */
  *recordSentSteps(subscriberId: number, deliveryId: number, papers: SelectedPaper[], updates: PaperUpdate[], now: Date): WriteSteps<void> {
    const p = (n: number) => param(this.d, n);
    const at = sqlTimestamp(this.d, now);
    if (papers.length > 0) {
      // Snapshot from the table, not the candidate: what the paper was when this digest went.
      const ids = papers.map((x) => x.paper.id);
      yield {
        sql: `INSERT INTO sent_papers (subscriber_id, paper_id, delivery_id, sent_at, code_url, project_url, upvotes)
         SELECT ${p(1)}, id, ${p(2)}, ${p(3)}, code_url, project_url, upvotes FROM papers WHERE id IN (${ids.map((_, i) => p(i + 4)).join(', ')})
         ON CONFLICT (subscriber_id, paper_id) DO NOTHING`,
        params: [subscriberId, deliveryId, at, ...ids],
      };
    }
    for (const u of updates) {
      yield {
        sql: `UPDATE sent_papers SET update_sent_at = ${p(1)}, update_delivery_id = ${p(2)} WHERE subscriber_id = ${p(3)} AND paper_id = ${p(4)} AND update_sent_at IS NULL`,
        params: [at, deliveryId, subscriberId, u.paperId],
      };
    }
  }
}

function toUpdate(r: Row): PaperUpdate {
  const upvotes = r.upvotes == null ? null : Number(r.upvotes);
  const sentUpvotes = r.sent_upvotes == null ? null : Number(r.sent_upvotes);
  const changes: string[] = [];
  if (r.code_url && !r.sent_code) changes.push('code released');
  if (r.project_url && !r.sent_project) changes.push('project page');
  if (upvotes != null && upvotes >= TRENDING_UPVOTES && upvotes >= 2 * (sentUpvotes ?? 0)) {
    changes.push(sentUpvotes ? `trending: ${sentUpvotes} → ${upvotes} upvotes` : `trending: ${upvotes} upvotes`);
  }
  return {
    paperId: Number(r.paper_id),
    title: r.title,
    url: paperUrl({ arxivId: r.arxiv_id, source: r.source, arxivUrl: r.arxiv_url, projectUrl: r.project_url, title: r.title }),
    codeUrl: r.code_url,
    projectUrl: r.project_url,
    upvotes,
    changes,
  };
}
