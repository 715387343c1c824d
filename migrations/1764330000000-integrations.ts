import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runSql } from '../src/database/dialect.js';

/**
 * Integrations: team channels and their own delivery ledger (unique per channel and period, claimed
 * like digest_deliveries), the outbox of events for WEBHOOK_URL, and mail events received from the
 * email provider (soft bounces are counted from here; a provider's retry of the same event is one row).
 */
export class Integrations1764330000000 implements MigrationInterface {
  name = 'Integrations1764330000000';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, [
      `CREATE TABLE channels (
        id {{pk}},
        name varchar(64) NOT NULL,
        kind varchar(16) NOT NULL,
        url text NOT NULL,
        topics {{json}} NOT NULL,
        keywords text,
        delivery_hour integer NOT NULL,
        last_delivery_at {{ts}},
        last_error text,
        last_error_at {{ts}},
        created_at {{ts}} NOT NULL
      )`,
      `CREATE UNIQUE INDEX channels_name ON channels (name)`,
      `CREATE TABLE channel_deliveries (
        id {{pk}},
        channel_id integer NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
        period varchar(10) NOT NULL,
        run_id integer,
        status varchar(20) NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        claimed_by varchar(100),
        window_start {{ts}} NOT NULL,
        window_end {{ts}},
        paper_ids {{json}},
        error text,
        created_at {{ts}} NOT NULL,
        updated_at {{ts}} NOT NULL,
        sent_at {{ts}}
      )`,
      `CREATE UNIQUE INDEX channel_deliveries_period ON channel_deliveries (channel_id, period)`,
      `CREATE TABLE event_outbox (
        id {{pk}},
        type varchar(40) NOT NULL,
        ordering_key varchar(80) NOT NULL,
        payload text NOT NULL,
        status varchar(16) NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at {{ts}} NOT NULL,
        claimed_by varchar(100),
        claimed_at {{ts}},
        last_error text,
        created_at {{ts}} NOT NULL,
        delivered_at {{ts}}
      )`,
      `CREATE INDEX event_outbox_pending ON event_outbox (status, id)`,
      `CREATE TABLE mail_events (
        id {{pk}},
        provider varchar(16) NOT NULL,
        event_key varchar(200) NOT NULL,
        email_hash varchar(64) NOT NULL,
        kind varchar(16) NOT NULL,
        detail text,
        created_at {{ts}} NOT NULL
      )`,
      `CREATE UNIQUE INDEX mail_events_key ON mail_events (provider, event_key)`,
      `CREATE INDEX mail_events_address ON mail_events (email_hash, kind, created_at)`,
    ]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runSql(runner, ['DROP TABLE mail_events', 'DROP TABLE event_outbox', 'DROP TABLE channel_deliveries', 'DROP TABLE channels']);
  }
}
