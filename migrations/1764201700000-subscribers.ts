import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runSql } from '../src/database/dialect.js';

export class Subscribers1764201700000 implements MigrationInterface {
  name = 'Subscribers1764201700000';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, [
      `CREATE TABLE subscribers (
        id {{pk}},
        email varchar(254) NOT NULL,
        status varchar(16) NOT NULL,
        topics {{json}} NOT NULL,
        keywords text,
        frequency varchar(8) NOT NULL,
        timezone varchar(64) NOT NULL,
        delivery_hour integer NOT NULL,
        paused {{bool}} NOT NULL,
        link_key varchar(64) NOT NULL,
        status_reason text,
        subscribed_at {{ts}} NOT NULL,
        confirmed_at {{ts}},
        unsubscribed_at {{ts}},
        last_digest_at {{ts}},
        created_at {{ts}} NOT NULL,
        updated_at {{ts}} NOT NULL
      )`,
      `CREATE UNIQUE INDEX subscribers_email ON subscribers (email)`,
      `CREATE INDEX subscribers_status ON subscribers (status)`,
      `CREATE TABLE suppressions (
        email_hash varchar(64) PRIMARY KEY,
        reason varchar(32) NOT NULL,
        created_at {{ts}} NOT NULL
      )`,
    ]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runSql(runner, ['DROP TABLE suppressions', 'DROP TABLE subscribers']);
  }
}
