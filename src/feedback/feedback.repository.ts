import { Paper } from '../papers/paper.entity.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import type { DataSource, Repository } from 'typeorm';
import { dialectOf, numbered, param, sqlTimestamp } from '../database/dialect.js';
import { FeedbackVote } from './feedback-vote.entity.js';
import type { ProfilePaper, ReaderProfile, Vote } from './feedback.types.js';
import { buildModel, parseModel } from './reader-model.js';

/** One vote as the preferences page and "export my data" show it. */
export interface VoteView {
  paperId: number;
  arxivId: string | null;
  title: string;
  vote: 'more' | 'less';
  at: Date;
}

interface PaperRow {
  id: number;
  title: string;
  abstract: string | null;
  ai_keywords: string;
}

/** Votes, and what the personal ranking reads of them and of liked papers. */
@Injectable()
export class FeedbackRepository {
  private readonly votes: Repository<FeedbackVote>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.votes = dataSource.getRepository(FeedbackVote);
  }

  /** The few fields of a paper the feedback page shows; null when the paper is gone. */
  paperCard(paperId: number): Promise<Pick<Paper, 'id' | 'title' | 'arxivId' | 'arxivUrl'> | null> {
    return this.dataSource.getRepository(Paper).findOne({ select: { id: true, title: true, arxivId: true, arxivUrl: true }, where: { id: paperId } });
  }

  current(subscriberId: number, paperId: number): Promise<FeedbackVote | null> {
    return this.votes.findOneBy({ subscriberId, paperId });
  }

  /** Records the vote; the same vote again changes nothing, the opposite one replaces it. */
  async record(subscriberId: number, paperId: number, vote: Vote, now = new Date()): Promise<void> {
    const existing = await this.current(subscriberId, paperId);
    if (existing?.vote === vote) return;
    await this.votes.upsert({ subscriberId, paperId, vote, createdAt: now }, ['subscriberId', 'paperId']);
  }

  async remove(subscriberId: number, paperId: number): Promise<boolean> {
    return ((await this.votes.delete({ subscriberId, paperId })).affected ?? 0) > 0;
  }

  /** The reader's votes, newest first. */
  async list(subscriberId: number): Promise<VoteView[]> {
    const rows: { paper_id: number; arxiv_id: string | null; title: string; vote: number; created_at: string | Date }[] = await this.dataSource.query(
      `SELECT v.paper_id, p.arxiv_id, p.title, v.vote, v.created_at FROM feedback_votes v JOIN papers p ON p.id = v.paper_id
       WHERE v.subscriber_id = ${param(dialectOf({ connection: this.dataSource }), 1)} ORDER BY v.created_at DESC, v.paper_id DESC`,
      [subscriberId],
    );
    return rows.map((r) => ({
      paperId: Number(r.paper_id),
      arxivId: r.arxiv_id?.startsWith('t:') ? null : r.arxiv_id,
      title: r.title,
      vote: Number(r.vote) > 0 ? 'more' : 'less',
      at: new Date(r.created_at),
    }));
  }

  /**
   * What the personal ranking needs of one reader: the authors they follow and their model,
   * read from reader_models while it matches their votes and likes, else built from the voted
   * and liked papers and stored (at a vote, or at the first digest after a change).
   */
  async profileOf(s: { id: number; likes?: string[] | null; authors?: string[] | null }, now = new Date()): Promise<ReaderProfile> {
    const authors = s.authors ?? [];
    const stamp = await this.stampOf(s.id, s.likes ?? []);
    if (stamp === null) return { votes: [], likes: [], authors, model: null };
    const d = dialectOf({ connection: this.dataSource });
    const rows: { stamp: string; model: string }[] = await this.dataSource.query(
      `SELECT stamp, model FROM reader_models WHERE subscriber_id = ${param(d, 1)}`,
      [s.id],
    );
    const stored = rows[0]?.stamp === stamp ? parseModel(rows[0].model) : null;
    if (stored) return { votes: [], likes: [], authors, model: stored };
    const model = buildModel(await this.papersOf(s.id, s.likes ?? []));
    await this.dataSource.query(
      numbered(
        d,
        `INSERT INTO reader_models (subscriber_id, stamp, model, updated_at) SELECT id, ?, ?, ? FROM subscribers WHERE id = ?
         ON CONFLICT (subscriber_id) DO UPDATE SET stamp = excluded.stamp, model = excluded.model, updated_at = excluded.updated_at`,
      ),
      [stamp, JSON.stringify(model), sqlTimestamp(d, now), s.id],
    );
    return { votes: [], likes: [], authors, model };
  }

  /** What a model is built from, in a few characters: the votes' count and latest time, the liked papers found; null when there is nothing. */
  private async stampOf(subscriberId: number, likes: string[]): Promise<string | null> {
    const d = dialectOf({ connection: this.dataSource });
    const [v]: { n: number | string; at: string | Date | null }[] = await this.dataSource.query(
      `SELECT count(*) AS n, max(created_at) AS at FROM feedback_votes WHERE subscriber_id = ${param(d, 1)}`,
      [subscriberId],
    );
    const liked: { id: number }[] = likes.length
      ? await this.dataSource.query(`SELECT id FROM papers WHERE arxiv_id IN (${likes.map((_, i) => param(d, i + 1)).join(', ')}) ORDER BY id`, likes)
      : [];
    if (Number(v.n) === 0 && liked.length === 0) return null;
    const at = v.at instanceof Date ? v.at.toISOString() : String(v.at);
    return `${Number(v.n)}@${at};${liked.map((r) => r.id).join(',')}`;
  }

  /** The voted (oldest first) and liked papers with text and tags. */
  private async papersOf(subscriberId: number, likes: string[]): Promise<Pick<ReaderProfile, 'votes' | 'likes'>> {
    const d = dialectOf({ connection: this.dataSource });
    const voted: (PaperRow & { vote: number })[] = await this.dataSource.query(
      `SELECT p.id, p.title, p.abstract, p.ai_keywords, v.vote FROM feedback_votes v JOIN papers p ON p.id = v.paper_id
       WHERE v.subscriber_id = ${param(d, 1)} ORDER BY v.created_at, v.paper_id`,
      [subscriberId],
    );
    const liked: PaperRow[] = likes.length
      ? await this.dataSource.query(
          `SELECT id, title, abstract, ai_keywords FROM papers WHERE arxiv_id IN (${likes.map((_, i) => param(d, i + 1)).join(', ')})`,
          likes,
        )
      : [];
    const tags = await this.tagsOf([...voted, ...liked].map((r) => Number(r.id)));
    const paper = (r: PaperRow): ProfilePaper => ({
      id: Number(r.id),
      title: r.title,
      abstract: r.abstract,
      aiKeywords: JSON.parse(r.ai_keywords) as string[],
      tags: tags.get(Number(r.id)) ?? [],
    });
    return { votes: voted.map((r) => ({ paper: paper(r), vote: Number(r.vote) > 0 ? 1 : -1 })), likes: liked.map(paper) };
  }

  private async tagsOf(ids: number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (ids.length === 0) return out;
    const d = dialectOf({ connection: this.dataSource });
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows: { paper_id: number; topic_slug: string }[] = await this.dataSource.query(
        `SELECT paper_id, topic_slug FROM paper_topics WHERE paper_id IN (${chunk.map((_, j) => param(d, j + 1)).join(', ')})`,
        chunk,
      );
      for (const r of rows) out.set(Number(r.paper_id), [...(out.get(Number(r.paper_id)) ?? []), r.topic_slug]);
    }
    return out;
  }
}
