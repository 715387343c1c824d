import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { dialectOf, param } from '../database/dialect.js';

export interface TopicTag {
  slug: string;
  score: number;
  matched: string[];
}

export interface PaperTags {
  paperId: number;
  /** True when the paper may already have tags that must go first. */
  replace: boolean;
  tags: TopicTag[];
}

const CHUNK = 300;

/** Ingests and re-tags write papers and their tags: they take turns on this name (see takeWriterTurn). */
export const PAPER_WRITERS = 'paperboy:paper-writers';

/** Writes papers' topic tags in batches, inside the caller's transaction. */
@Injectable()
export class PaperTopicRepository {
  async writeTags(runner: QueryRunner, items: PaperTags[]): Promise<void> {
    const d = dialectOf(runner);
    const stale = items.filter((i) => i.replace).map((i) => i.paperId);
    for (let i = 0; i < stale.length; i += CHUNK) {
      const ids = stale.slice(i, i + CHUNK);
      await runner.query(`DELETE FROM paper_topics WHERE paper_id IN (${ids.map((_, n) => param(d, n + 1)).join(', ')})`, ids);
    }
    const rows = items.flatMap((i) => i.tags.map((t) => [i.paperId, t.slug, t.score, JSON.stringify(t.matched)]));
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const tuples = chunk.map((_, r) => `(${[1, 2, 3, 4].map((c) => param(d, r * 4 + c)).join(', ')})`);
      // Two instances ingesting the same dump at once (a first start of two servers) tag the same papers.
      await runner.query(
        `INSERT INTO paper_topics (paper_id, topic_slug, score, matched) VALUES ${tuples.join(', ')}
         ON CONFLICT (paper_id, topic_slug) DO UPDATE SET score = excluded.score, matched = excluded.matched`,
        chunk.flat(),
      );
    }
  }

  /** Removes every tag of one topic, before it is re-tagged or deleted. */
  async clearTopic(runner: QueryRunner, slug: string): Promise<void> {
    await runner.query(`DELETE FROM paper_topics WHERE topic_slug = ${param(dialectOf(runner), 1)}`, [slug]);
  }
}
