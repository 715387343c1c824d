import type { DataSource } from 'typeorm';
import { dialectOf, numbered, param, sqlTimestamp } from '../database/dialect.js';

export interface PaperRow {
  id: number;
  title: string;
  authors: string;
  abstract: string | null;
  ai_summary: string | null;
  ai_keywords: string;
  upvotes: number | null;
  arxiv_id: string | null;
  arxiv_url: string | null;
  pdf_url: string | null;
  published_at: string | Date | null;
  trending_date: string | null;
  project_url: string | null;
  code_url: string | null;
  source: string;
  available_at: string | Date;
}

/** A tag of a paper in a window, with what ranking needs of the paper (BoundedSelection). */
export interface RankRow {
  paper_id: number;
  topic_slug: string;
  score: number;
  upvotes: number | null;
}

export interface TagRow {
  paper_id: number;
  topic_slug: string;
  score: number;
  matched: string;
}

const COLUMNS =
  'id, title, authors, abstract, ai_summary, ai_keywords, upvotes, arxiv_id, arxiv_url, pdf_url, published_at, trending_date, project_url, code_url, source, available_at';

/** The papers a digest may pick from, and their topic tags, as rows. */
export class CandidateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Papers that became available in (since, until], with their tags. */
  async availableBetween(since: Date, until: Date): Promise<{ rows: PaperRow[]; tags: TagRow[] }> {
    const d = dialectOf({ connection: this.dataSource });
    const range = [sqlTimestamp(d, since), sqlTimestamp(d, until)];
    const rows: PaperRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM papers WHERE available_at > ${param(d, 1)} AND available_at <= ${param(d, 2)}`,
      range,
    );
    const tags: TagRow[] = await this.dataSource.query(
      `SELECT t.paper_id, t.topic_slug, t.score, t.matched FROM paper_topics t JOIN papers p ON p.id = t.paper_id
       WHERE p.available_at > ${param(d, 1)} AND p.available_at <= ${param(d, 2)}`,
      range,
    );
    return { rows, tags };
  }

  /** These papers (at most a digest's worth), with their tags. */
  async byIds(ids: number[]): Promise<{ rows: PaperRow[]; tags: TagRow[] }> {
    const d = dialectOf({ connection: this.dataSource });
    const list = ids.map((_, i) => param(d, i + 1)).join(', ');
    const rows: PaperRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM papers WHERE id IN (${list})`, ids);
    const tags: TagRow[] = await this.dataSource.query(`SELECT paper_id, topic_slug, score, matched FROM paper_topics WHERE paper_id IN (${list})`, ids);
    return { rows, tags };
  }

  /** The tags of these topics on papers available in (since, until], with the papers' upvotes: index entries, no paper text. */
  async rankRowsBetween(topics: string[], since: Date, until: Date): Promise<RankRow[]> {
    if (topics.length === 0) return [];
    const d = dialectOf({ connection: this.dataSource });
    return this.dataSource.query(
      numbered(
        d,
        `SELECT t.paper_id, t.topic_slug, t.score, p.upvotes FROM papers p JOIN paper_topics t ON t.paper_id = p.id
         WHERE p.available_at > ? AND p.available_at <= ? AND t.topic_slug IN (${topics.map(() => '?').join(', ')})`,
      ),
      [sqlTimestamp(d, since), sqlTimestamp(d, until), ...topics],
    );
  }

  /** How many papers became available in (since, until], and in how many distinct ingests. */
  async coverageBetween(since: Date, until: Date): Promise<{ papers: number; dumps: number }> {
    const d = dialectOf({ connection: this.dataSource });
    const [row]: { papers: number | string; dumps: number | string }[] = await this.dataSource.query(
      numbered(d, 'SELECT count(*) AS papers, count(DISTINCT available_at) AS dumps FROM papers WHERE available_at > ? AND available_at <= ?'),
      [sqlTimestamp(d, since), sqlTimestamp(d, until)],
    );
    return { papers: Number(row.papers), dumps: Number(row.dumps) };
  }
}
