import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { runCli } from '../support/cli.js';

// What a command loads decides how fast it starts (bench/paths.bench.ts measures it): these tests pin the
// loading itself, never a time. Each process runs with a hook that logs every module it loads.
jest.setTimeout(180_000);

const dir = mkdtempSync(join(tmpdir(), 'paperboy-cli-startup-'));
const HOOK = fromRoot('test/support/module-log.mjs');
const version = (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version;
let runs = 0;

/** Runs the CLI with its own database and var folder under a fresh directory; what it loaded, and where. */
async function run(args: string[]) {
  const home = join(dir, `run-${++runs}`);
  const log = join(dir, `modules-${runs}.log`);
  const env = { DATABASE_URL: `sqlite:${join(home, 'paperboy.sqlite')}`, VAR_DIR: join(home, 'var'), NODE_OPTIONS: `--import=${HOOK}`, MODULE_LOG: log };
  const result = await runCli(args, env);
  const modules = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return { ...result, modules, home, database: join(home, 'paperboy.sqlite') };
}

const packagesIn = (modules: string[], names: string[]) =>
  [...new Set(modules.map((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1]).filter((p): p is string => !!p && names.includes(p)))].sort();

const HEAVY = ['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', 'typeorm', 'better-sqlite3', 'pg', 'mjml', 'nodemailer', 'bullmq', 'zod', 'express'];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paperboy --help and --version', () => {
  it.each([[['--help']], [['--version']], [['-V']], [['runs', '--help']], [['subscribers', 'list', '--help']], [['send', '--help']]])(
    '%j answers without NestJS, TypeORM, MJML or a database',
    async (args) => {
      const r = await run(args);
      expect(r.code).toBe(0);
      if (args[0] === '--version' || args[0] === '-V') expect(r.stdout).toBe(`${version}\n`);
      else expect(r.stdout).toMatch(/^Usage: paperboy /);
      // The hook saw the command's own modules: an empty log would prove nothing.
      expect(r.modules.some((m) => m.endsWith('/dist/src/cli/main.js'))).toBe(true);
      expect(packagesIn(r.modules, HEAVY)).toEqual([]);
      expect(existsSync(r.database)).toBe(false);
      expect(existsSync(r.home)).toBe(false);
    },
  );

  it('bad usage still exits 2 without loading the app', async () => {
    const r = await run(['runs', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--no-such-flag'/);
    expect(packagesIn(r.modules, HEAVY)).toEqual([]);
    expect(existsSync(r.home)).toBe(false);
  });
});

describe('a command loads what it uses', () => {
  it('`runs` opens the database (migrated, taxonomy loaded) with TypeORM, without NestJS core, MJML, nodemailer, BullMQ or express', async () => {
    const r = await run(['runs', '--json']);
    expect(r).toMatchObject({ code: 0, stdout: '[]\n' });
    expect(existsSync(r.database)).toBe(true);
    expect(packagesIn(r.modules, HEAVY)).toEqual(['@nestjs/common', 'better-sqlite3', 'typeorm', 'zod']);
    // The same database through another command: migrations ran and the default topics are there.
    const topics = await runCli(['topics', 'list', '--json'], { DATABASE_URL: `sqlite:${r.database}`, VAR_DIR: join(r.home, 'var') });
    expect(topics.code).toBe(0);
    expect((JSON.parse(topics.stdout) as unknown[]).length).toBeGreaterThan(10);
  });

  it('`preview` builds the digest services but loads no NestJS core, BullMQ or express', async () => {
    const r = await run(['preview', '--email', 'nobody@example.org', '--json']);
    // An unknown reader is bad input (exit 2) named in the message, after the services were built.
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nobody@example\.org/);
    expect(packagesIn(r.modules, ['@nestjs/core', '@nestjs/typeorm', 'bullmq', 'express'])).toEqual([]);
  });
});
