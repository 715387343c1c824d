import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../../src/common/paths.js';
import { freePort, startApp, type TestApp } from '../support/app.js';

jest.setTimeout(60_000);

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const apps: TestApp[] = [];
const dir = mkdtempSync(join(tmpdir(), 'paperboy-exposure-'));
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function app(env: Record<string, string>): Promise<TestApp> {
  const a = await startApp(env);
  apps.push(a);
  return a;
}

const metrics = (a: TestApp, auth?: string) => fetch(`${a.url}/metrics`, { headers: auth ? { authorization: auth } : {} });

describe('/metrics', () => {
  it('is open on a development machine without METRICS_TOKEN', async () => {
    const res = await metrics(await app({ NODE_ENV: 'development' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^# HELP /m);
  });

  it('with METRICS_TOKEN wants it as a bearer token', async () => {
    const a = await app({ METRICS_TOKEN });
    const none = await metrics(a);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await none.json()) as { message: string }).message).toMatch(/METRICS_TOKEN/);
    expect((await metrics(a, 'Bearer wrong-token-0123456789abcdef')).status).toBe(401);
    const ok = await metrics(a, `Bearer ${METRICS_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^# HELP /m);
  });

  it('is closed in production until METRICS_TOKEN is set', async () => {
    const closed = await metrics(await app({ NODE_ENV: 'production' }));
    expect(closed.status).toBe(403);
    expect(((await closed.json()) as { message: string }).message).toMatch(/closed in production until METRICS_TOKEN is set/);
    expect((await metrics(await app({ NODE_ENV: 'production', METRICS_TOKEN }), `Bearer ${METRICS_TOKEN}`)).status).toBe(200);
  });
});

describe('paperboy serve', () => {
  it('listens on 127.0.0.1 by default and says so', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [fromRoot('bin/paperboy.js'), 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        VAR_DIR: join(dir, 'var'),
        DATABASE_URL: `sqlite:${join(dir, 'p.sqlite')}`,
        MAIL_TRANSPORT: `file:${join(dir, 'outbox')}`,
        INGEST_POLL_SECONDS: '0',
        SCHEDULER_ENABLED: 'false',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (d) => {
          stderr += d;
          if (/listening on/.test(stderr)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      expect(stderr).toContain(`listening on 127.0.0.1:${port}`);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
