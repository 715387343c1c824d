import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { InboxWatcher } from '../../src/papers/inbox.watcher.js';
import { adminHeaders, type StartApp, type TestApp } from '../support/app.js';

/**
 * A first start (sample dump, taxonomy, health), the admin ingest route and the inbox folder.
 * Run on SQLite by test/e2e/papers.http.test.ts and on PostgreSQL by test/integration/postgres.test.ts.
 */
export function describeFirstStart(start: StartApp): void {
  let t: TestApp;

  beforeAll(async () => {
    t = await start();
  });
  afterAll(async () => t.close());

  describe('a newcomer’s first start', () => {
    it('answers /health with 200 and the database up', async () => {
      const res = await fetch(`${t.url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'up' } } });
    });

    it('lists the 80 papers of the sample page capture', async () => {
      const papers = (await (await fetch(`${t.url}/api/papers`)).json()) as { title: string }[];
      expect(papers).toHaveLength(80);
      expect(new Set(papers.map((p) => p.title)).size).toBe(80);
    });

    it('pages through papers with their topics, in the same order as the whole list', async () => {
      type Listed = { id: number; topics: { slug: string; matched: string[] }[] };
      const all = (await (await fetch(`${t.url}/api/papers?limit=1000`)).json()) as Listed[];
      const page = (await (await fetch(`${t.url}/api/papers?limit=7&offset=5`)).json()) as Listed[];
      expect(page).toEqual(all.slice(5, 12));
      expect(all.some((p) => p.topics.length > 0 && p.topics.every((topic) => topic.matched.length > 0))).toBe(true);
    });

    it('serves the default taxonomy', async () => {
      const topics = (await (await fetch(`${t.url}/api/topics`)).json()) as { slug: string }[];
      expect(topics).toHaveLength(28);
    });

    it('answers a bad query with 400 naming the problem', async () => {
      const res = await fetch(`${t.url}/api/papers?topic=no-such-topic`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { statusCode: number; error: string; message: string };
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(body.message).toMatch(/unknown topic "no-such-topic".*llm/);
    });
  });

  describe('POST /api/admin/ingest', () => {
    const atom = readFileSync(fromRoot('test/fixtures/arxiv_api_atom_2025-10-17_cs.RO.xml'));

    it('refuses without the admin token, and with a wrong one', async () => {
      expect((await fetch(`${t.url}/api/admin/ingest`, { method: 'POST', body: atom })).status).toBe(401);
      const wrong = await fetch(`${t.url}/api/admin/ingest`, { method: 'POST', body: atom, headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
    });

    it('ingests a dump in the body', async () => {
      const res = await fetch(`${t.url}/api/admin/ingest?name=cs.RO.xml`, { method: 'POST', body: atom, headers: adminHeaders });
      expect(res.status).toBe(201);
      const report = (await res.json()) as { format: string; read: number; new: number };
      expect(report.format).toBe('arxiv-atom');
      expect(report.new).toBe(report.read);
      expect(report.read).toBeGreaterThan(0);
    });

    it('answers an unreadable dump with 400 and the reason', async () => {
      const res = await fetch(`${t.url}/api/admin/ingest?format=hf-api&name=bad.json`, { method: 'POST', body: '[{"paper": ', headers: adminHeaders });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/bad\.json:1: /);
    });
  });

  describe('the INGEST_DIR inbox', () => {
    it('ingests a dropped dump into done/ with a report, and a bad one into failed/ with a reason', async () => {
      const inbox = t.config.ingestDir;
      writeFileSync(join(inbox, 'good.xml'), readFileSync(fromRoot('test/fixtures/arxiv_api_atom_2025-10-17_cs.RO.xml')));
      writeFileSync(join(inbox, 'bad.json'), '{"not": "a dump"}');
      const watcher = t.app.get(InboxWatcher);
      await watcher.poll(); // first sight: sizes noted, nothing taken while a file may still be growing
      expect(existsSync(join(inbox, 'good.xml'))).toBe(true);
      await watcher.poll();
      const done = readdirSync(join(inbox, 'done'));
      const failed = readdirSync(join(inbox, 'failed'));
      expect(done.some((f) => f.endsWith('good.xml'))).toBe(true);
      expect(
        JSON.parse(
          readFileSync(
            join(
              inbox,
              'done',
              done.find((f) => f.endsWith('good.xml.report.json'))!,
            ),
            'utf8',
          ),
        ),
      ).toMatchObject({ format: 'arxiv-atom' });
      const reason = failed.find((f) => f.endsWith('bad.json.reason.txt'))!;
      expect(readFileSync(join(inbox, 'failed', reason), 'utf8')).toMatch(/bad\.json/);
      expect(readdirSync(inbox).filter((f) => !['done', 'failed', 'processing'].includes(f))).toEqual([]);
    });
  });
}
