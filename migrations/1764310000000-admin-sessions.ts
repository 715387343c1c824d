import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runSql } from '../src/database/dialect.js';

/**
 * Admin page sessions, kept server-side so signing out ends one for good (a copied cookie stops
 * working). `id` is the HMAC of the cookie's random value under SECRET_KEY, never the value;
 * `token_id` ties it to the ADMIN_TOKEN it was opened with; `expires_ms` is epoch milliseconds.
 */
export class AdminSessions1764310000000 implements MigrationInterface {
  name = 'AdminSessions1764310000000';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, [
      `CREATE TABLE admin_sessions (
        id varchar(64) PRIMARY KEY,
        token_id varchar(16) NOT NULL,
        created_at {{ts}} NOT NULL,
        expires_ms bigint NOT NULL
      )`,
      `CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_ms)`,
    ]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runSql(runner, ['DROP TABLE admin_sessions']);
  }
}
