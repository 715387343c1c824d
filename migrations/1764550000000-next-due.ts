import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runSql } from '../src/database/dialect.js';

/** "Look at this reader now": a new row, or one whose schedule, status or pause just changed. */
export const DUE_NOW = '1970-01-01 00:00:00.000';
/** "Not before something changes": readers who get no digest (not confirmed, or paused). */
export const DUE_NEVER = '9999-12-31 00:00:00.000';

const SCHEDULE = ['status', 'paused', 'frequency', 'timezone', 'delivery_hour'];

/**
 * Each reader's next due instant, so a scheduled tick reads only the readers due now (a range of
 * subscribers_next_due) instead of every confirmed reader. Planning and sending move it forward;
 * a trigger moves it back to DUE_NOW whenever something that decides it changes, whoever writes
 * the row (the app, the CSV import, an operator's SQL), so no change of schedule can be missed.
 * Existing readers start at DUE_NOW: the first tick computes their instant (one read, as every
 * tick did before); those who get no digest start at DUE_NEVER.
 */
export class NextDue1764550000000 implements MigrationInterface {
  name = 'NextDue1764550000000';

  async up(runner: QueryRunner): Promise<void> {
    const postgres = dialectOf(runner) === 'postgres';
    await runSql(runner, [
      `ALTER TABLE subscribers ADD COLUMN next_due_at {{ts}} NOT NULL DEFAULT '${DUE_NOW}${postgres ? '+00' : ''}'`,
      `UPDATE subscribers SET next_due_at = '${DUE_NEVER}${postgres ? '+00' : ''}' WHERE status <> 'confirmed' OR paused`,
      `CREATE INDEX subscribers_next_due ON subscribers (next_due_at, id)`,
    ]);
    const changed = SCHEDULE.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(' OR ');
    if (postgres) {
      await runner.query(`CREATE FUNCTION subscribers_schedule_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF ${changed} THEN NEW.next_due_at := '${DUE_NOW}+00'; END IF;
          RETURN NEW;
        END $$`);
      await runner.query(
        `CREATE TRIGGER subscribers_schedule_changed BEFORE UPDATE OF ${SCHEDULE.join(', ')} ON subscribers
         FOR EACH ROW EXECUTE FUNCTION subscribers_schedule_changed()`,
      );
    } else {
      await runner.query(
        `CREATE TRIGGER subscribers_schedule_changed AFTER UPDATE OF ${SCHEDULE.join(', ')} ON subscribers
         FOR EACH ROW WHEN ${changed.replace(/IS DISTINCT FROM/g, 'IS NOT')}
         BEGIN UPDATE subscribers SET next_due_at = '${DUE_NOW}' WHERE id = NEW.id; END`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    const postgres = dialectOf(runner) === 'postgres';
    await runner.query('DROP TRIGGER subscribers_schedule_changed' + (postgres ? ' ON subscribers' : ''));
    if (postgres) await runner.query('DROP FUNCTION subscribers_schedule_changed()');
    await runner.query('DROP INDEX subscribers_next_due');
    await runner.query('ALTER TABLE subscribers DROP COLUMN next_due_at');
  }
}
