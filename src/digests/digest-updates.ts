import { Injectable } from '@nestjs/common';
import type { WriteSteps } from '../database/write-steps.js';
import { paperUrl } from '../papers/papers.service.js';
import type { SelectedPaper } from './digest.selection.js';
import { SentPaperRepository, type SentPaperRow } from './sent-paper.repository.js';

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

type Row = SentPaperRow;

/**
 * What each reader was sent of each paper (sent_papers), and the updates that follow from it:
 * a sent paper that later gains a code link or a project page, or doubles its upvotes past 50,
 * comes back once in the next digest; the update is recorded so it never comes back again.
 */
@Injectable()
export class DigestUpdates {
  constructor(private readonly sent: SentPaperRepository) {}

  /** The reader's papers worth a second look now, most recently sent first. */
  async pending(subscriberId: number): Promise<PaperUpdate[]> {
    return (await this.sent.changedSince(subscriberId, TRENDING_UPVOTES, MAX_UPDATES)).map(toUpdate);
  }

  /** pending() of a page of readers, in one statement. */
  async pendingMany(subscriberIds: number[]): Promise<Map<number, PaperUpdate[]>> {
    const rows = await this.sent.changedSinceMany(subscriberIds, TRENDING_UPVOTES, MAX_UPDATES);
    return new Map([...rows].map(([id, list]) => [id, list.map(toUpdate)]));
  }

  /** What a sent digest gave the reader, as write steps committed with the rest of its records. */
  recordSentSteps(subscriberId: number, deliveryId: number, papers: SelectedPaper[], updates: PaperUpdate[], now: Date): WriteSteps<void> {
    return this.sent.recordSentSteps(
      subscriberId,
      deliveryId,
      papers.map((x) => x.paper.id),
      updates.map((u) => u.paperId),
      now,
    );
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
