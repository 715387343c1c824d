import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runSql } from '../src/database/dialect.js';

export class PapersAndTopics1764201600000 implements MigrationInterface {
  name = 'PapersAndTopics1764201600000';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, [
      `CREATE TABLE papers (
        id {{pk}},
        paper_key varchar(64) NOT NULL,
        arxiv_id varchar(40),
        title text NOT NULL,
        abstract text,
        authors {{json}} NOT NULL,
        published_at {{ts}},
        trending_date varchar(10),
        upvotes integer,
        arxiv_url text,
        pdf_url text,
        code_url text,
        project_url text,
        ai_summary text,
        ai_keywords {{json}} NOT NULL,
        categories {{json}} NOT NULL,
        source varchar(20) NOT NULL,
        first_seen_at {{ts}} NOT NULL,
        last_seen_at {{ts}} NOT NULL,
        available_at {{ts}}
      )`,
      `CREATE UNIQUE INDEX papers_paper_key ON papers (paper_key)`,
      `CREATE INDEX papers_available_at ON papers (available_at)`,
      `CREATE INDEX papers_trending_date ON papers (trending_date)`,
      `CREATE TABLE topics (
        slug varchar(64) PRIMARY KEY,
        name varchar(200) NOT NULL,
        description text NOT NULL,
        query text NOT NULL,
        updated_at {{ts}} NOT NULL
      )`,
      `CREATE TABLE paper_topics (
        paper_id integer NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        topic_slug varchar(64) NOT NULL,
        score {{real}} NOT NULL,
        matched {{json}} NOT NULL,
        PRIMARY KEY (paper_id, topic_slug)
      )`,
      `CREATE INDEX paper_topics_topic ON paper_topics (topic_slug, score)`,
      `CREATE TABLE meta (key varchar(64) PRIMARY KEY, value text NOT NULL)`,
    ]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runSql(runner, ['DROP TABLE meta', 'DROP TABLE paper_topics', 'DROP TABLE topics', 'DROP TABLE papers']);
  }
}
