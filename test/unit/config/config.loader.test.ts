import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../src/config/config.loader.js';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const production = (extra: Record<string, string>) => ({ NODE_ENV: 'production', VAR_DIR: join(dir, 'var'), SECRET_KEY: 's'.repeat(32), ...extra });

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('the admin token in production', () => {
  it('refuses to start without one, and never generates one', () => {
    expect(problemsOf(production({}))).toEqual(['ADMIN_TOKEN: required in production (at least 32 characters)']);
    expect(existsSync(join(dir, 'var', 'admin-token'))).toBe(false);
  });

  it('refuses one shorter than 32 characters, naming the setting', () => {
    expect(problemsOf(production({ ADMIN_TOKEN: 'a'.repeat(31) }))).toEqual(['ADMIN_TOKEN: must be at least 32 characters in production']);
  });

  it('accepts one of 32 characters or more', () => {
    expect(loadConfig(production({ ADMIN_TOKEN: 'a'.repeat(32) })).adminToken).toBe('a'.repeat(32));
  });

  it('outside production, generates one once into VAR_DIR', () => {
    const generated: string[] = [];
    const env = { NODE_ENV: 'development', VAR_DIR: join(dir, 'dev'), SECRET_KEY: 's'.repeat(32) };
    const first = loadConfig(env, { onTokenGenerated: (token) => generated.push(token) });
    const second = loadConfig(env, { onTokenGenerated: (token) => generated.push(token) });
    expect(first.adminToken.length).toBeGreaterThanOrEqual(32);
    expect(second.adminToken).toBe(first.adminToken);
    expect(generated).toEqual([first.adminToken]);
  });
});

describe('blank secrets', () => {
  it('refuses a blank or whitespace ADMIN_TOKEN, SECRET_KEY or METRICS_TOKEN with a message naming it, in every environment', () => {
    for (const value of ['', '   ', '\t\n']) {
      expect(problemsOf(production({ ADMIN_TOKEN: value }))).toEqual([expect.stringMatching(/^ADMIN_TOKEN: is set but blank/)]);
      expect(problemsOf({ NODE_ENV: 'development', VAR_DIR: join(dir, 'blank'), ADMIN_TOKEN: value })).toEqual([
        expect.stringMatching(/^ADMIN_TOKEN: is set but blank/),
      ]);
      expect(problemsOf({ NODE_ENV: 'development', VAR_DIR: join(dir, 'blank'), SECRET_KEY: value })).toEqual([
        expect.stringMatching(/^SECRET_KEY: is set but blank/),
      ]);
      expect(problemsOf({ NODE_ENV: 'development', VAR_DIR: join(dir, 'blank'), METRICS_TOKEN: value })).toEqual([
        expect.stringMatching(/^METRICS_TOKEN: is set but blank/),
      ]);
    }
    expect(existsSync(join(dir, 'blank', 'admin-token'))).toBe(false);
  });

  it('refuses a token padded with whitespace (a header can never carry it)', () => {
    expect(problemsOf(production({ ADMIN_TOKEN: ` ${'a'.repeat(32)}\n` }))).toEqual([expect.stringMatching(/^ADMIN_TOKEN: starts or ends with whitespace/)]);
  });
});

describe('HOST and METRICS_TOKEN', () => {
  const dev = (extra: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'development', VAR_DIR: join(dir, 'dev'), SECRET_KEY: 's'.repeat(32), ...extra });

  it('listens on the loopback interface unless told otherwise', () => {
    expect(dev().host).toBe('127.0.0.1');
    expect(dev({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(problemsOf({ VAR_DIR: join(dir, 'dev'), HOST: 'a host' })).toEqual([expect.stringMatching(/^HOST: must be an IP address or a host name/)]);
  });

  it('keeps METRICS_TOKEN, refusing a short one', () => {
    expect(dev().metricsToken).toBeNull();
    expect(dev({ METRICS_TOKEN: 'm'.repeat(16) }).metricsToken).toBe('m'.repeat(16));
    expect(problemsOf({ VAR_DIR: join(dir, 'dev'), METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN: must be at least 16 characters']);
  });
});

describe('TRUST_PROXY', () => {
  const trust = (value: string) => loadConfig({ VAR_DIR: join(dir, 'dev'), SECRET_KEY: 's'.repeat(32), TRUST_PROXY: value }).trustProxy;

  it('takes what Express accepts: a boolean, a hop count, addresses, subnets and named ranges', () => {
    expect(trust('false')).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('1')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('loopback, 10.0.0.0/8, fd00::/8, 192.168.0.0/255.255.0.0, 203.0.113.7')).toBe(
      'loopback, 10.0.0.0/8, fd00::/8, 192.168.0.0/255.255.0.0, 203.0.113.7',
    );
  });

  it('refuses anything else at start, naming the setting', () => {
    for (const bad of ['yes', '10.0.0.0/33', 'loopback, proxy.example.org', '-1']) {
      expect(problemsOf({ VAR_DIR: join(dir, 'dev'), TRUST_PROXY: bad })).toEqual([
        expect.stringMatching(/^TRUST_PROXY: ".*" is not true, false, a hop count/),
      ]);
    }
  });
});
