import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/config.loader.js';
import { createHttpApp, prepareServe } from '../../src/main.http.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  url: string;
  dir: string;
  close(): Promise<void>;
}

/** The real app on a random port with its own SQLite file and var dir; `env` overrides settings. */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-test-'));
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    VAR_DIR: join(dir, 'var'),
    DATABASE_URL: `sqlite:${join(dir, 'var', 'paperboy.sqlite')}`,
    MAIL_TRANSPORT: `file:${join(dir, 'var', 'outbox')}`,
    INGEST_DIR: join(dir, 'var', 'inbox'),
    INGEST_POLL_SECONDS: '0',
    SCHEDULER_ENABLED: 'false',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await createHttpApp(config, 'serve');
  await prepareServe(app);
  await app.listen(port, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    url,
    dir,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port nothing listens on now, so PUBLIC_URL (the base of links in emails) can point at the app. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const adminHeaders = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
