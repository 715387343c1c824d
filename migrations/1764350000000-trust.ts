import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, param, runSql } from '../src/database/dialect.js';

/**
 * Trust (wave 2). `papers.title_key`: the hash of the normalized title of every paper, so a paper
 * first seen by title (a page capture) and later with an arXiv id is found and becomes one paper.
 * `sent_papers`: what each reader was sent of each paper (code link, project page, upvotes at the
 * time), so a later change is told once in "Updated since we sent it", and only once.
 */
export class Trust1764350000000 implements MigrationInterface {
  name = 'Trust1764350000000';

  async up(runner: QueryRunner): Promise<void> {
    await runSql(runner, [
      `ALTER TABLE papers ADD COLUMN title_key varchar(32)`,
      `CREATE INDEX papers_title_key ON papers (title_key)`,
      `CREATE TABLE sent_papers (
        subscriber_id integer NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        paper_id integer NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
        delivery_id integer NOT NULL,
        sent_at {{ts}} NOT NULL,
        code_url text,
        project_url text,
        upvotes integer,
        update_delivery_id integer,
        update_sent_at {{ts}},
        PRIMARY KEY (subscriber_id, paper_id)
      )`,
      `CREATE INDEX sent_papers_paper ON sent_papers (paper_id)`,
    ]);
    await backfillTitleKeys(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runSql(runner, ['DROP TABLE sent_papers', 'DROP INDEX papers_title_key', 'ALTER TABLE papers DROP COLUMN title_key']);
  }
}

/** Same as titleKeyOf in src/papers/paper-key.ts, frozen here so the migration never changes meaning. */
function titleKey(title: string): string {
  const normalized = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return createHash('sha256').update(normalized).digest('hex').slice(0, 32);
}

async function backfillTitleKeys(runner: QueryRunner): Promise<void> {
  const d = dialectOf(runner);
  for (let after = 0; ;) {
    const rows: { id: number; title: string }[] = await runner.query(`SELECT id, title FROM papers WHERE id > ${param(d, 1)} ORDER BY id LIMIT 1000`, [after]);
    if (rows.length === 0) return;
    for (const r of rows) await runner.query(`UPDATE papers SET title_key = ${param(d, 1)} WHERE id = ${param(d, 2)}`, [titleKey(r.title), r.id]);
    after = Number(rows[rows.length - 1].id);
  }
}
