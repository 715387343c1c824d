import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runSql } from '../src/database/dialect.js';

/**
 * Each reader's personal model (src/feedback/reader-model.ts), stored so a digest run reads one
 * row instead of every paper the reader voted on. `stamp` names the votes and likes it was built
 * from; a model whose stamp no longer matches is built again. Derived data: it goes with the reader.
 */
export class ReaderModels1764560000000 implements MigrationInterface {
  name = 'ReaderModels1764560000000';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, [
      `CREATE TABLE reader_models (
        subscriber_id integer PRIMARY KEY REFERENCES subscribers (id) ON DELETE CASCADE,
        stamp text NOT NULL,
        model {{json}} NOT NULL,
        updated_at {{ts}} NOT NULL
      )`,
    ]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runSql(runner, ['DROP TABLE reader_models']);
  }
}
