import { Injectable } from '@nestjs/common';
import { type DialectName, numbered, param } from '../database/dialect.js';
import type { WriteSteps } from '../database/write-steps.js';

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

/** Ingests and re-tags write papers and their tags: they take turns on this name (see writeSession in src/database/write-steps.ts). */
export const PAPER_WRITERS = 'paperboy:paper-writers';

/** Writes papers' topic tags in batches, as write steps run inside the caller's transaction. */
@Injectable()
export class PaperTopicRepository {
  *writeTags(d: DialectName, items: PaperTags[], onlyTopics?: string[]): WriteSteps<void> {
    const stale = items.filter((i) => i.replace).map((i) => i.paperId);
    const topicFilter = onlyTopics ? ` AND topic_slug IN (${onlyTopics.map(() => '?').join(', ')})` : '';
    for (let i = 0; i < stale.length; i += CHUNK) {
      const ids = stale.slice(i, i + CHUNK);
      const sql = `DELETE FROM paper_topics WHERE paper_id IN (${ids.map(() => '?').join(', ')})${topicFilter}`;
      yield { sql: numbered(d, sql), params: [...ids, ...(onlyTopics ?? [])] };
    }
    const rows = items.flatMap((i) => i.tags.map((t) => [i.paperId, t.slug, t.score, JSON.stringify(t.matched)]));
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const tuples = chunk.map((_, r) => `(${[1, 2, 3, 4].map((c) => param(d, r * 4 + c)).join(', ')})`);
      // Two instances ingesting the same dump at once (a first start of two servers) tag the same papers.
      yield {
        sql: `INSERT INTO paper_topics (paper_id, topic_slug, score, matched) VALUES ${tuples.join(', ')}
         ON CONFLICT (paper_id, topic_slug) DO UPDATE SET score = excluded.score, matched = excluded.matched`,
        params: chunk.flat(),
      };
    }
  }
}
