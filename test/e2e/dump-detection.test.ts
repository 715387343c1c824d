import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { fromRoot } from '../../src/common/paths.js';
import { adminHeaders, startApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';

jest.setTimeout(60_000);

let t: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'paperboy-detect-'));
const write = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
// Not dumps: a letter, the system's account list, and the subscriber CSV an operator might drop by mistake.
const NOT_DUMPS: [string, string][] = [
  ['x.txt', 'x'],
  ['passwd', readFileSync('/etc/passwd', 'utf8')],
  ['subscribers.csv', 'email,topics,keywords,frequency,timezone,hour,status\nann@example.org,llm;agents,speculative decoding,daily,UTC,8,confirmed\n'],
];

beforeAll(async () => {
  t = await startApp();
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function snapshot(): Promise<string> {
  const db = t.app.get(DataSource);
  return JSON.stringify([await db.query('SELECT * FROM papers ORDER BY id'), await db.query('SELECT * FROM paper_topics ORDER BY paper_id, topic_slug')]);
}

const env = () => ({ DATABASE_URL: t.databaseUrl, VAR_DIR: join(dir, 'var'), MAIL_TRANSPORT: `file:${join(dir, 'outbox')}` });

describe('auto-detection takes only real dumps', () => {
  it('paperboy ingest rejects x, /etc/passwd and a subscriber CSV: exit 2, the reason, nothing stored', async () => {
    const before = await snapshot();
    const files = [write('x.txt', 'x'), '/etc/passwd', write('subscribers.csv', NOT_DUMPS[2][1])];
    const res = await runCli(['ingest', ...files], env());
    expect(res.code).toBe(2);
    for (const file of files)
      expect(res.stderr).toMatch(new RegExp(`${file}:\\d+: rejected: (not a Hugging Face papers page capture|no paper found in the page capture)`));
    expect(await snapshot()).toBe(before);
  });

  it('POST /api/admin/ingest answers 400 for each of them and stores nothing', async () => {
    const before = await snapshot();
    for (const [name, body] of NOT_DUMPS) {
      const res = await fetch(`${t.url}/api/admin/ingest?name=${name}`, {
        method: 'POST',
        headers: { ...adminHeaders, 'content-type': 'application/octet-stream' },
        body,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/not a Hugging Face papers page capture|no paper found in the page capture/);
    }
    expect(await snapshot()).toBe(before);
  });

  it('a capture with navigation and a Subscribe link stores exactly its papers', async () => {
    const db = t.app.get(DataSource);
    const count = async () => Number((await db.query('SELECT COUNT(*) AS n FROM papers'))[0].n);
    const before = await count();
    const res = await runCli(['ingest', '--json', '--date', '2024-03-20', fromRoot('test/fixtures/hf-page/search-view-quantization.md')], env());
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject([{ format: 'hf-page', read: 5, new: 5, skipped: 0 }]);
    expect(await count()).toBe(before + 5);
    const titles = (
      (await db.query(`SELECT title FROM papers WHERE arxiv_id IN ('2402.17764', '2402.04396', '2306.00978', '2210.17323', '2208.07339')`)) as {
        title: string;
      }[]
    ).map((r) => r.title);
    expect(titles).toHaveLength(5);
    const chrome = (await db.query(
      `SELECT title FROM papers WHERE lower(title) IN ('web source', 'subscribe', 'daily papers', 'models', 'by ak and the research community')`,
    )) as unknown[];
    expect(chrome).toEqual([]);
  });
});
