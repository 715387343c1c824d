import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../src/config/config.loader.js';
import { environment } from '../../../src/config/environment.js';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('environment(): the process environment over ./.env', () => {
  it('reads .env in the working directory; a variable already set wins', () => {
    writeFileSync(join(dir, '.env'), '# comment\nPORT=4100\nMAIL_FROM="Papers <p@example.org>"\nDIGEST_MAX_PAPERS=7\n');
    const env = environment(dir, { DIGEST_MAX_PAPERS: '12' });
    expect(env.PORT).toBe('4100');
    expect(env.MAIL_FROM).toBe('Papers <p@example.org>');
    expect(env.DIGEST_MAX_PAPERS).toBe('12');
    const config = loadConfig({ ...env, SECRET_KEY: 'k'.repeat(32), ADMIN_TOKEN: 't', VAR_DIR: join(dir, 'var') });
    expect(config.port).toBe(4100);
    expect(config.digest.maxPapers).toBe(12);
  });

  it('without a .env file, is the environment as given', () => {
    const empty = mkdtempSync(join(dir, 'none-'));
    expect(environment(empty, { PORT: '5000' })).toEqual({ PORT: '5000' });
  });

  it("LOG_LEVEL unset: info by default, the caller's default for one-off commands; set, it wins", () => {
    const base = { SECRET_KEY: 'k'.repeat(32), ADMIN_TOKEN: 't', VAR_DIR: join(dir, 'var') };
    expect(loadConfig(base).logLevel).toBe('info');
    expect(loadConfig(base, { defaultLogLevel: 'warn' }).logLevel).toBe('warn');
    expect(loadConfig({ ...base, LOG_LEVEL: 'debug' }, { defaultLogLevel: 'warn' }).logLevel).toBe('debug');
  });
});
