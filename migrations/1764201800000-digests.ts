import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runSql } from '../src/database/dialect.js';

/**
 * Digest runs and the delivery ledger. A delivery is unique per subscriber, period and resend
 * number: a period is sent once (resend 0) unless an admin forces another (resend 1, 2, …).
 * `claimed_by` names the run working on an unsent row, so two runs never send the same row and a
 * row left by a dead run is taken over (see delivery.claims.ts).
 */
export class Digests1764201800000 implements MigrationInterface {
  name = 'Digests1764201800000';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, [
      `CREATE TABLE digest_runs (
        id {{pk}},
        trigger varchar(20) NOT NULL,
        options {{json}} NOT NULL,
        status varchar(20) NOT NULL,
        dry_run {{bool}} NOT NULL,
        selected integer NOT NULL DEFAULT 0,
        sent integer NOT NULL DEFAULT 0,
        skipped_empty integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        started_at {{ts}} NOT NULL,
        finished_at {{ts}}
      )`,
      `CREATE TABLE digest_deliveries (
        id {{pk}},
        subscriber_id integer NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        period varchar(10) NOT NULL,
        resend integer NOT NULL DEFAULT 0,
        run_id integer NOT NULL REFERENCES digest_runs (id),
        status varchar(20) NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        message_id varchar(255),
        error text,
        paper_ids {{json}},
        more_count integer NOT NULL DEFAULT 0,
        window_start {{ts}},
        window_end {{ts}},
        claimed_by varchar(100),
        created_at {{ts}} NOT NULL,
        updated_at {{ts}} NOT NULL,
        sent_at {{ts}}
      )`,
      `CREATE UNIQUE INDEX digest_deliveries_period ON digest_deliveries (subscriber_id, period, resend)`,
      `CREATE INDEX digest_deliveries_run ON digest_deliveries (run_id, status)`,
      `CREATE INDEX digest_deliveries_sent ON digest_deliveries (subscriber_id, sent_at)`,
      `CREATE TABLE locks (
        name varchar(64) PRIMARY KEY,
        holder varchar(100) NOT NULL,
        expires_at {{ts}} NOT NULL
      )`,
    ]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runSql(runner, ['DROP TABLE locks', 'DROP TABLE digest_deliveries', 'DROP TABLE digest_runs']);
  }
}
