import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runSql } from '../src/database/dialect.js';

/**
 * Planning reads where each reader's next digest starts: the end of their latest sent or skipped
 * delivery. This index makes that one seek per reader, instead of reading their whole history.
 */
export class WindowEnds1764420000000 implements MigrationInterface {
  name = 'WindowEnds1764420000000';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, [`CREATE INDEX digest_deliveries_window_end ON digest_deliveries (subscriber_id, window_end) WHERE status IN ('sent', 'skipped')`]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runSql(runner, ['DROP INDEX digest_deliveries_window_end']);
  }
}
