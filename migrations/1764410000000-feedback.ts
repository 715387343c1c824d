import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runSql } from '../src/database/dialect.js';

/**
 * Reader feedback (wave 2). `feedback_votes`: one vote per reader and paper, "more like this" (1)
 * or "less like this" (-1); the opposite vote replaces it, undoing deletes the row. The reader's
 * `authors` (names to follow) and `likes` (arXiv ids, the personal ranking's cold start) are
 * JSON arrays on the subscriber row.
 */
export class Feedback1764410000000 implements MigrationInterface {
  name = 'Feedback1764410000000';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, [
      `ALTER TABLE subscribers ADD COLUMN authors {{json}} NOT NULL DEFAULT '[]'`,
      `ALTER TABLE subscribers ADD COLUMN likes {{json}} NOT NULL DEFAULT '[]'`,
      `CREATE TABLE feedback_votes (
        subscriber_id integer NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        paper_id integer NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        vote smallint NOT NULL,
        created_at {{ts}} NOT NULL,
        PRIMARY KEY (subscriber_id, paper_id)
      )`,
      `CREATE INDEX feedback_votes_paper ON feedback_votes (paper_id)`,
    ]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runSql(runner, ['DROP TABLE feedback_votes', 'ALTER TABLE subscribers DROP COLUMN likes', 'ALTER TABLE subscribers DROP COLUMN authors']);
  }
}
