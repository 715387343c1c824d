import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../../src/common/paths.js';
import { TEST_ADMIN_TOKEN } from './app.js';

/**
 * What every `paperboy serve` of these tests runs on, beside the test's own settings: its port on
 * loopback, its SQLite file, outbox and inbox under `dir`, the test admin token, and no scheduler.
 */
export function serverEnv(dir: string, port: number): Record<string, string> {
  const url = `http://127.0.0.1:${port}`;
  return {
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_URL: url,
    VAR_DIR: join(dir, 'var'),
    DATABASE_URL: `sqlite:${join(dir, 'var', 'paperboy.sqlite')}`,
    MAIL_TRANSPORT: `file:${join(dir, 'var', 'outbox')}`,
    INGEST_DIR: join(dir, 'inbox'),
    SCHEDULER_ENABLED: 'false',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  };
}

/** `paperboy serve` as its own process, so a test can measure its memory or kill it with SIGKILL. */
export class ServerProcess {
  private child: ChildProcess | null = null;
  stderr = '';

  constructor(
    readonly url: string,
    private readonly env: Record<string, string>,
  ) {}

  get pid(): number {
    return this.child!.pid!;
  }

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [fromRoot('bin/paperboy.js'), 'serve'], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr!.on('data', (d) => (this.stderr = (this.stderr + d).slice(-20_000)));
    const exited = new Promise<never>((_, reject) =>
      this.child!.once('exit', (code) => reject(new Error(`server exited (${code}) before answering /health: ${this.stderr}`))),
    );
    await Promise.race([exited, this.healthy()]);
  }

  private async healthy(): Promise<void> {
    for (;;) {
      const ok = await fetch(`${this.url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The server's resident memory now (VmRSS) and at its peak so far (VmHWM), in MB. */
  memory(): { rss: number; peak: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)![1]);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}
