import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { runCli } from '../support/cli.js';
import { readDb } from '../support/db.js';

// Each command is a process that boots the app (about a second); some tests run several.
// On a loaded shared machine one boot takes 10-20 s, and a test here runs up to five.
jest.setTimeout(180_000);

const dir = mkdtempSync(join(tmpdir(), 'paperboy-admin-cli-'));
const dbPath = join(dir, 'paperboy.sqlite');
const env = { DATABASE_URL: `sqlite:${dbPath}`, VAR_DIR: join(dir, 'var'), MAIL_TRANSPORT: `file:${join(dir, 'outbox')}` };
const write = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

// Answers are read field by field; a loose type keeps the assertions readable.
type Json = Record<string, any>;

async function listJson(...args: string[]): Promise<Json[]> {
  const res = await runCli(['subscribers', 'list', '--json', ...args], env);
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout) as Json[];
}

beforeAll(async () => {
  const ingest = await runCli(['ingest', fromRoot('test/fixtures/digest/2026-07-16.json')], env);
  expect(ingest.code).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paperboy subscribers', () => {
  it('add: pending by default, confirmed with --confirmed; bad input exits 2 with the reason', async () => {
    const added = await runCli(['subscribers', 'add', 'Ann@Example.org', '--topics', 'llm,agents', '--keywords', 'speculative decoding', '--confirmed'], env);
    expect(added).toMatchObject({ code: 0, stdout: 'ann@example.org: confirmed, topics llm, agents, keywords "speculative decoding"\n' });
    expect((await runCli(['subscribers', 'add', 'bob@example.org', '--topics', 'quantization'], env)).code).toBe(0);
    const bad = await runCli(['subscribers', 'add', 'carol@example.org', '--topics', 'llm,astrology'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown topic "astrology"/);
    expect(bad.stdout).toBe('');
    const list = await listJson();
    expect(list.map((s) => [s.email, s.status, s.topics])).toEqual([
      ['ann@example.org', 'confirmed', ['llm', 'agents']],
      ['bob@example.org', 'pending', ['quantization']],
    ]);
  });

  it('list: filters by status and address text; --json prints only JSON', async () => {
    expect((await listJson('--status', 'pending')).map((s) => s.email)).toEqual(['bob@example.org']);
    expect((await listJson('--q', 'ANN')).map((s) => s.email)).toEqual(['ann@example.org']);
    const text = await runCli(['subscribers', 'list', '--status', 'confirmed'], env);
    expect(text.stdout).toMatch(/^ann@example\.org +confirmed +daily +08:00 UTC +llm,agents "speculative decoding"\n$/);
    const bad = await runCli(['subscribers', 'list', '--status', 'asleep'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/status must be one of/);
  });

  it('import: imports the good rows and reports each rejected row with its line (exit 0)', async () => {
    const file = write(
      'people.csv',
      'email,topics,keywords,frequency,timezone,hour\ndan@example.org,agents;llm,,weekly,Europe/Paris,7\neve@example.org,astrology\nfay@example.org,video,,,,25\n"gus@example.org",code,"code review",,,\n',
    );
    const res = await runCli(['subscribers', 'import', file, '--confirmed'], env);
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toBe(`${file}: 4 rows: 2 created, 0 updated, 2 rejected`);
    expect(res.stdout).toMatch(/^ {2}line 3 \(eve@example\.org\): rejected: unknown topic "astrology"/m);
    expect(res.stdout).toMatch(/^ {2}line 4 \(fay@example\.org\): rejected: hour must be a whole number from 0 to 23, got "25"/m);
    const dan = (await listJson('--q', 'dan@')).at(0);
    expect(dan).toMatchObject({ status: 'confirmed', topics: ['agents', 'llm'], frequency: 'weekly', timezone: 'Europe/Paris', hour: 7 });
    expect((await listJson('--q', 'gus@')).at(0)).toMatchObject({ status: 'confirmed', keywords: 'code review' });
  });

  it('import: --json reports the same; a malformed file or one with no importable row exits 2 and stores nothing', async () => {
    const json = await runCli(['subscribers', 'import', write('one.csv', 'topics,email\nllm,hal@example.org\nnope,ida@example.org\n'), '--json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      rows: 2,
      created: 1,
      updated: 0,
      rejected: [{ line: 3, email: 'ida@example.org', reason: expect.stringMatching(/unknown topic "nope"/) }],
    });
    const count = () => readDb(dbPath, 'SELECT id FROM subscribers').length;
    const before = count();
    const malformed = await runCli(['subscribers', 'import', write('broken.csv', 'email,topics\njo@example.org,llm\n"kim@example.org,llm\n')], env);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/not a readable CSV file \(line 3\)/);
    const header = await runCli(['subscribers', 'import', write('header.csv', 'address,topics\njo@example.org,llm\n')], env);
    expect(header.code).toBe(2);
    expect(header.stderr).toMatch(/line 1: the header lacks column email/);
    const allBad = await runCli(['subscribers', 'import', write('bad-rows.csv', 'email,topics\nnot-an-address,llm\n')], env);
    expect(allBad.code).toBe(2);
    expect(allBad.stdout).toMatch(/line 2 \(not-an-address\): rejected: invalid email address/);
    expect((await runCli(['subscribers', 'import', join(dir, 'missing.csv')], env)).code).toBe(2);
    expect(count()).toBe(before);
  });

  it('export: every subscriber as CSV on stdout, which imports back', async () => {
    const res = await runCli(['subscribers', 'export'], env);
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('email,topics,keywords,frequency,timezone,hour,status');
    expect(lines).toContain('ann@example.org,llm;agents,speculative decoding,daily,UTC,8,confirmed');
    expect(lines).toContain('dan@example.org,agents;llm,,weekly,Europe/Paris,7,confirmed');
    expect(lines).toHaveLength(1 + readDb(dbPath, 'SELECT id FROM subscribers').length);
    const again = await runCli(['subscribers', 'import', write('export.csv', res.stdout), '--json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, updated: lines.length - 1, rejected: [] });
    expect((await runCli(['subscribers', 'export'], env)).stdout).toBe(res.stdout);
  });

  it('remove: deletes one subscriber; an unknown address exits 2', async () => {
    expect(await runCli(['subscribers', 'remove', 'BOB@example.org'], env)).toMatchObject({ code: 0, stdout: 'removed bob@example.org\n' });
    expect((await listJson('--q', 'bob')).length).toBe(0);
    const again = await runCli(['subscribers', 'remove', 'bob@example.org'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/no subscriber with the address "bob@example.org"/);
  });
});

describe('paperboy topics test and set', () => {
  it('shows which stored papers a query matches, with the score and the words that matched', async () => {
    const res = await runCli(['topics', 'test', 'title:agent* OR "tool use"', '--json'], env);
    expect(res.code).toBe(0);
    const result = JSON.parse(res.stdout) as Json;
    expect(result).toMatchObject({ query: 'title:agent* OR "tool use"', threshold: 0.5, scanned: readDb(dbPath, 'SELECT id FROM papers').length });
    expect(result.matched).toBeGreaterThan(2);
    const titled = result.papers.filter((p: Json) => /\bagent/i.test(p.title));
    expect(titled.length).toBeGreaterThan(2);
    for (const p of titled) expect(p).toMatchObject({ tagged: true, matched: expect.arrayContaining(['agent*']) });
    const scores = result.papers.map((p: Json) => p.score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    const text = await runCli(['topics', 'test', 'title:agent*', '--limit', '2'], env);
    expect(text.stdout).toMatch(
      /^\d+ of \d+ stored papers match; \d+ score 0\.5 or more and would be tagged\n0\.\d{3} tag .+\n {6}matched: agent\*\n0\.\d{3} tag .+\n {6}matched: agent\*\n$/,
    );
  });

  it('exits 2 on a syntax error and points at the position', async () => {
    const res = await runCli(['topics', 'test', 'agents AND (tools'], env);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('  agents AND (tools\n             ^\n');
    expect(res.stderr).toMatch(/error: query: missing "\)" for the "\(" at position 11/);
  });

  it('set: creates and edits one topic, keeping the fields left out', async () => {
    const created = await runCli(['topics', 'set', 'harnesses', '--name', 'Agent harnesses', '--query', 'title:harness*', '--json'], env);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({
      created: true,
      topic: { slug: 'harnesses', name: 'Agent harnesses', description: '', query: 'title:harness*' },
    });
    const edited = await runCli(['topics', 'set', 'harnesses', '--description', 'Scaffolding around agents'], env);
    expect(edited.stdout).toBe('updated harnesses (Agent harnesses)\n    title:harness*\n');
    const tagged = readDb<{ title: string }>(dbPath, "SELECT p.title FROM papers p JOIN paper_topics t ON t.paper_id = p.id WHERE t.topic_slug = 'harnesses'");
    expect(tagged.map((r) => r.title)).toEqual(['Harness Handbook: Making Evolving Agent Harnesses Readable,Navigable, and Editable']);
    const bad = await runCli(['topics', 'set', 'newer', '--query', 'x'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/a new topic needs a name/);
  });
});

describe('paperboy preview', () => {
  it('--json prints the papers best first with their section and plain reasons; --limit lists up to N; a bad limit exits 2', async () => {
    const res = await runCli(['preview', '--email', 'ann@example.org', '--json', '--limit', '2'], env);
    expect(res.code).toBe(0);
    const data = JSON.parse(res.stdout) as Json;
    expect(data).toMatchObject({ subject: expect.stringMatching(/^\d+ new papers?/), total: expect.any(Number) });
    expect(data.subject.length).toBeLessThanOrEqual(80);
    expect(data.papers).toHaveLength(2);
    for (const p of data.papers as Json[]) {
      expect(p).toMatchObject({
        id: expect.any(Number),
        title: expect.any(String),
        score: expect.any(Number),
        section: { kind: expect.stringMatching(/^(keyword|topic)$/) },
        feedback: { more: expect.stringMatching(/\/feedback\/[\w-]+\.[\w-]{43}$/), less: expect.stringMatching(/\/feedback\/[\w-]+\.[\w-]{43}$/) },
      });
      for (const r of p.reasons as Json[]) expect(r.words.join(' ')).not.toMatch(/[*"~^]/);
    }
    const bad = await runCli(['preview', '--email', 'ann@example.org', '--json', '--limit', '0'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--limit must be a whole number/);
  });
});

describe('paperboy runs show and retry', () => {
  it("shows a run's outcome per subscriber, and refuses to retry a run with nothing failed", async () => {
    const sent = await runCli(['send', '--email', 'ann@example.org', '--json'], env);
    expect(sent.code).toBe(0);
    const { runId } = JSON.parse(sent.stdout) as Json;
    const shown = await runCli(['runs', 'show', String(runId), '--json'], env);
    expect(shown.code).toBe(0);
    const detail = JSON.parse(shown.stdout) as Json;
    expect(detail.run).toMatchObject({ id: runId, trigger: 'cli', selected: 1, sent: 1 });
    expect(detail.deliveries).toEqual([expect.objectContaining({ email: 'ann@example.org', status: 'sent', attempts: 1, error: null })]);
    const text = await runCli(['runs', 'show', String(runId)], env);
    expect(text.stdout).toMatch(
      new RegExp(
        `^run ${runId} .* cli finished: selected 1, sent 1, skipped 0, failed 0\\n {2}ann@example\\.org +\\d{4}-\\d{2}-\\d{2} +sent +attempts 1, papers \\d+\\n$`,
      ),
    );
    const retry = await runCli(['runs', 'retry', String(runId)], env);
    expect(retry.code).toBe(2);
    expect(retry.stderr).toMatch(/no failed deliveries left to retry/);
    expect((await runCli(['runs', 'show', '424242'], env)).code).toBe(2);
    expect((await runCli(['runs', 'show', 'latest'], env)).stderr).toMatch(/run id must be a number/);
  });
});

describe('paperboy serve in production', () => {
  it('refuses to start without an admin token of at least 32 characters', async () => {
    for (const token of [{}, { ADMIN_TOKEN: 'short-token' }] as Record<string, string>[]) {
      const res = await runCli(['serve'], { ...env, NODE_ENV: 'production', PORT: '0', SECRET_KEY: 's'.repeat(32), ...token });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/ADMIN_TOKEN: (required in production|must be at least 32 characters)/);
    }
  });
});
