import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { InboxWatcher } from '../../src/papers/inbox.watcher.js';
import { startApp, type TestApp } from '../support/app.js';
import { arxivLine } from '../support/arxiv-dump.js';
import { readDb } from '../support/db.js';

/** The INGEST_DIR hand-off: half-written files wait, stranded ones are retried, odd entries are left alone. */
let t: TestApp | null = null;
const dirs: string[] = [];

afterEach(async () => {
  await t?.close();
  t = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => arxivLine(from + i)).join('\n') + '\n';
const soakPapers = (app: TestApp) =>
  readDb<{ n: number }>(join(app.dir, 'var', 'paperboy.sqlite'), "SELECT count(*) AS n FROM papers WHERE title LIKE 'Soak paper %'")[0].n;
const report = (inbox: string, name: string) => {
  const file = readdirSync(join(inbox, 'done')).find((f) => f.endsWith(`${name}.report.json`));
  return file ? (JSON.parse(readFileSync(join(inbox, 'done', file), 'utf8')) as { read: number; new: number; file: string }) : null;
};

describe('the inbox', () => {
  it('leaves a file alone while its writer holds it open, however long the writer pauses, then ingests it whole', async () => {
    t = await startApp();
    const inbox = t.config.ingestDir;
    const watcher = t.app.get(InboxWatcher);
    const path = join(inbox, 'slow.jsonl');
    const fd = openSync(path, 'w');
    writeSync(fd, lines(0, 300));
    for (let i = 0; i < 4; i++) await watcher.poll(); // the writer pauses for four polls
    expect(existsSync(path)).toBe(true);
    expect(soakPapers(t)).toBe(0);
    writeSync(fd, lines(300, 600));
    closeSync(fd);
    await watcher.poll();
    await watcher.poll();
    expect(report(inbox, 'slow.jsonl')).toMatchObject({ file: 'slow.jsonl', read: 600, new: 600 });
    expect(soakPapers(t)).toBe(600);
  });

  it('takes a NAME.part only once renamed, and leaves symlinks, hidden files and folders alone', async () => {
    t = await startApp();
    const inbox = t.config.ingestDir;
    const watcher = t.app.get(InboxWatcher);
    writeFileSync(join(inbox, 'dump.jsonl.part'), lines(0, 10));
    writeFileSync(join(inbox, '.hidden.jsonl'), lines(10, 20));
    const outside = join(t.dir, 'outside.jsonl');
    writeFileSync(outside, lines(20, 30));
    symlinkSync(outside, join(inbox, 'link.jsonl'));
    mkdirSync(join(inbox, 'folder.jsonl'));
    await watcher.poll();
    await watcher.poll();
    expect(soakPapers(t)).toBe(0);
    expect(readdirSync(inbox).sort()).toEqual(['.hidden.jsonl', 'done', 'dump.jsonl.part', 'failed', 'folder.jsonl', 'link.jsonl', 'processing']);
  });

  it('retries at start a dump a stopped process left in processing/, and finishes it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'paperboy-inbox-'));
    dirs.push(root);
    mkdirSync(join(root, 'processing'), { recursive: true });
    writeFileSync(join(root, 'processing', 'legacy.jsonl'), lines(0, 50)); // claimed by an older version
    writeFileSync(join(root, 'processing', `${hostname()}.4194303--crashed.jsonl`), lines(50, 120)); // a pid no process has
    t = await startApp({ INGEST_DIR: root, INGEST_POLL_SECONDS: '3600' });
    await t.app.get(InboxWatcher).poll(); // joins the pass the start began
    expect(report(root, 'legacy.jsonl')).toMatchObject({ read: 50, new: 50 });
    expect(report(root, 'crashed.jsonl')).toMatchObject({ read: 70, new: 70 });
    expect(readdirSync(join(root, 'processing'))).toEqual([]);
    expect(soakPapers(t)).toBe(120);
  });

  it('publishes every report and reason whole: a reader watching done/ and failed/ never sees one half-written', async () => {
    t = await startApp();
    const inbox = t.config.ingestDir;
    const watcher = t.app.get(InboxWatcher);
    for (let i = 0; i < 4; i++) writeFileSync(join(inbox, `good-${i}.jsonl`), lines(i * 100, i * 100 + 100));
    for (let i = 0; i < 4; i++) writeFileSync(join(inbox, `bad-${i}.jsonl`), 'not json at all\n');
    const torn = new Set<string>();
    const seen = new Set<string>();
    let reading = true;
    const reader = (async () => {
      while (reading) {
        for (const folder of ['done', 'failed']) {
          for (const name of readdirSync(join(inbox, folder))) {
            if (!/\.(report\.json|reason\.txt)$/.test(name)) continue;
            const text = readFileSync(join(inbox, folder, name), 'utf8');
            seen.add(name);
            if (!text.endsWith('\n') || (name.endsWith('.json') && !isJson(text))) torn.add(`${folder}/${name}: ${JSON.stringify(text.slice(0, 40))}`);
          }
        }
        await new Promise((r) => setImmediate(r)); // between each step of the inbox's own file operations
      }
    })();
    await watcher.poll();
    await watcher.poll();
    reading = false;
    await reader;
    expect([...torn]).toEqual([]);
    expect([...seen].filter((n) => n.endsWith('.report.json'))).toHaveLength(4);
    expect([...seen].filter((n) => n.endsWith('.reason.txt'))).toHaveLength(4);
    expect(readdirSync(join(inbox, 'done')).filter((n) => n.startsWith('.'))).toEqual([]); // no temporary file left behind
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
