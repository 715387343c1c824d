import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runSql } from '../src/database/dialect.js';

/**
 * A queued scheduled run hands its due readers to the workers as ranges of subscribers_next_due
 * (one job each), not as ledger rows: a worker claims each delivery of its range when it takes it.
 * A range is done when its job has been through every reader; the run closes once all its ranges
 * are done and none of its ledger rows is pending. Open ranges are also what the next tick skips,
 * so readers already handed to workers are not handed out twice.
 */
export class RunRanges1764570000000 implements MigrationInterface {
  name = 'RunRanges1764570000000';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, [
      `CREATE TABLE digest_run_ranges (
        run_id integer NOT NULL REFERENCES digest_runs (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        readers integer NOT NULL,
        last_due_at {{ts}} NOT NULL,
        last_id integer NOT NULL,
        done_at {{ts}},
        PRIMARY KEY (run_id, seq)
      )`,
      `CREATE INDEX digest_run_ranges_open ON digest_run_ranges (last_due_at, last_id) WHERE done_at IS NULL`,
    ]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE digest_run_ranges');
  }
}
