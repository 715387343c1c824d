import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runSql } from '../src/database/dialect.js';

/**
 * The papers of a reader's topics in a window (BoundedSelection's first pass) read from the index
 * alone: with paper_id in it, paper_topics_topic answers "which papers, what score" without a visit
 * to each tag row. Same key prefix, so what used it before (a topic's papers by score) still does.
 */
export class PaperTopicsCovering1764550000001 implements MigrationInterface {
  name = 'PaperTopicsCovering1764550000001';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, ['DROP INDEX paper_topics_topic', 'CREATE INDEX paper_topics_topic ON paper_topics (topic_slug, score, paper_id)']);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runSql(runner, ['DROP INDEX paper_topics_topic', 'CREATE INDEX paper_topics_topic ON paper_topics (topic_slug, score)']);
  }
}
