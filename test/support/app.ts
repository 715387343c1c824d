import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/config.loader.js';
import { createHttpApp, prepareServe } from '../../src/main.http.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  url: string;
  dir: string;
  /** The app's DATABASE_URL, for a CLI child that must share its database. */
  databaseUrl: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** `postgres`: a fresh database on TEST_DATABASE_URL's server, dropped by close(). */
  database?: 'sqlite' | 'postgres';
  /** Reuse this directory (its var/ and SQLite database), e.g. to start the app again after a restart; close() keeps it. */
  dir?: string;
  /** Changes to the loaded config that the environment cannot make (e.g. the trusted SNS certificate URL). */
  configure?: (config: AppConfig) => void;
}

/** Starts the app under test; e2e suites shared with the PostgreSQL run take one of these. */
export type StartApp = (env?: Record<string, string>) => Promise<TestApp>;

/** The real app on a random port with its own database and var dir; `env` overrides settings. */
export async function startApp(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestApp> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'paperboy-test-'));
  const port = await freePort();
  const pg = options.database === 'postgres' ? await createTestDatabase() : null;
  const databaseUrl = pg?.url ?? `sqlite:${join(dir, 'var', 'paperboy.sqlite')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    VAR_DIR: join(dir, 'var'),
    DATABASE_URL: databaseUrl,
    MAIL_TRANSPORT: `file:${join(dir, 'var', 'outbox')}`,
    INGEST_DIR: join(dir, 'var', 'inbox'),
    INGEST_POLL_SECONDS: '0',
    SCHEDULER_ENABLED: 'false',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  options.configure?.(config);
  const app = await started(config, port, pg);
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    url,
    dir,
    databaseUrl,
    async close() {
      await app.close();
      await pg?.drop();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A start that fails still drops its database, or every failed run would leave one on the server. */
async function started(config: AppConfig, port: number, pg: TestDatabase | null): Promise<NestExpressApplication> {
  try {
    const app = await createHttpApp(config, 'serve');
    await prepareServe(app);
    await app.listen(port, '127.0.0.1');
    return app;
  } catch (err) {
    await pg?.drop();
    throw err;
  }
}

/** startApp on PostgreSQL: for the suites that run the same flows on both databases. */
export const startAppOnPostgres: StartApp = (env = {}) => startApp(env, { database: 'postgres' });

/** A port nothing listens on now, so PUBLIC_URL (the base of links in emails) can point at the app. */
export function freePort(): Promise<number> {
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
