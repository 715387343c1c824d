import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runSql } from '../src/database/dialect.js';

/**
 * A reader's topics move from a JSON text column (matched with `LIKE '%"slug"%'`) to a join table:
 * one row per subscriber and topic, indexed by topic, so "who reads this topic" is a join. `position`
 * keeps the order the reader chose, so every page, export and API answer reads as before.
 */
export class SubscriberTopics1764400000000 implements MigrationInterface {
  name = 'SubscriberTopics1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, [
      `CREATE TABLE subscriber_topics (
        subscriber_id integer NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        topic_slug varchar(64) NOT NULL,
        position integer NOT NULL,
        PRIMARY KEY (subscriber_id, topic_slug)
      )`,
      `CREATE INDEX subscriber_topics_slug ON subscriber_topics (topic_slug)`,
    ]);
    // Only arrays of strings were ever written (simple-json of string[]); a repeated slug keeps its first place.
    await runner.query(
      dialectOf(runner) === 'postgres'
        ? `INSERT INTO subscriber_topics (subscriber_id, topic_slug, position)
           SELECT s.id, j.value #>> '{}', min(j.pos) - 1
           FROM subscribers s CROSS JOIN LATERAL json_array_elements(CASE WHEN json_typeof(s.topics::json) = 'array' THEN s.topics::json ELSE '[]'::json END) WITH ORDINALITY AS j(value, pos)
           WHERE json_typeof(j.value) = 'string'
           GROUP BY s.id, j.value #>> '{}'`
        : `INSERT INTO subscriber_topics (subscriber_id, topic_slug, position)
           SELECT s.id, j.value, min(j.key)
           FROM subscribers s, json_each(CASE WHEN json_type(s.topics) = 'array' THEN s.topics ELSE '[]' END) j
           WHERE j.type = 'text'
           GROUP BY s.id, j.value`,
    );
    await runner.query('ALTER TABLE subscribers DROP COLUMN topics');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE subscribers ADD COLUMN topics text NOT NULL DEFAULT '[]'`);
    await runner.query(
      dialectOf(runner) === 'postgres'
        ? `UPDATE subscribers SET topics = coalesce((SELECT json_agg(topic_slug ORDER BY position)::text FROM subscriber_topics WHERE subscriber_id = subscribers.id), '[]')`
        : `UPDATE subscribers SET topics = coalesce((SELECT json_group_array(topic_slug) FROM (SELECT topic_slug FROM subscriber_topics WHERE subscriber_id = subscribers.id ORDER BY position)), '[]')`,
    );
    await runner.query('DROP TABLE subscriber_topics');
  }
}
