import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidInputError } from '../common/errors.js';
import { AppConfig } from './app-config.js';
import { Env, envSchema } from './config.schema.js';

/** Bad settings are bad input: the process stops with exit code 2 and a message naming each problem. */
export class ConfigError extends InvalidInputError {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; a bad value stops the process with a message naming it. */
export function parseEnv(env: NodeJS.ProcessEnv): Env {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return result.data;
}

export interface LoadOptions {
  /** Called once with a freshly generated admin token, so `serve` can print it. */
  onTokenGenerated?: (token: string, file: string) => void;
  /** LOG_LEVEL when unset: `info` for the server and worker, `warn` for one-off commands (their stderr is for people). */
  defaultLogLevel?: Env['LOG_LEVEL'];
}

export function loadConfig(env: NodeJS.ProcessEnv, options: LoadOptions = {}): AppConfig {
  const e = parseEnv(env);
  const varDir = resolve(e.VAR_DIR);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
    database: databaseOf(e.DATABASE_URL),
    redisUrl: e.REDIS_URL ?? null,
    mail: {
      transport: e.MAIL_TRANSPORT,
      from: e.MAIL_FROM,
      ratePerSecond: e.MAIL_RATE_PER_SECOND,
      dkim: dkimOf(e),
    },
    adminToken: adminTokenOf(e, varDir, options),
    secretKey: e.SECRET_KEY ?? persistedSecret(resolve(varDir, 'secret-key')).value,
    varDir,
    ingestDir: resolve(e.INGEST_DIR),
    ingestPollSeconds: e.INGEST_POLL_SECONDS,
    digest: {
      defaultHour: e.DIGEST_DEFAULT_HOUR,
      maxPapers: e.DIGEST_MAX_PAPERS,
      concurrency: e.DIGEST_CONCURRENCY,
      retries: e.DIGEST_RETRIES,
      retryBaseMs: e.DIGEST_RETRY_BASE_MS,
    },
    logLevel: e.LOG_LEVEL ?? options.defaultLogLevel ?? 'info',
    schedulerEnabled: e.SCHEDULER_ENABLED,
    tickSeconds: e.DIGEST_TICK_SECONDS,
    queueLockMs: e.QUEUE_LOCK_MS,
    subscribe: { perIpPerHour: e.SUBSCRIBE_LIMIT_PER_IP, perAddressPerHour: e.SUBSCRIBE_LIMIT_PER_ADDRESS },
    trustProxy: trustProxyOf(e.TRUST_PROXY),
  };
}

function databaseOf(url: string): AppConfig['database'] {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) throw new ConfigError(['DATABASE_URL: sqlite: needs a file path, e.g. sqlite:var/paperboy.sqlite']);
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  return { kind: 'postgres', url };
}

function dkimOf(e: Env): AppConfig['mail']['dkim'] {
  const parts = [e.DKIM_DOMAIN, e.DKIM_SELECTOR, e.DKIM_PRIVATE_KEY];
  if (parts.every((p) => !p)) return null;
  if (parts.some((p) => !p)) {
    throw new ConfigError(['DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY: set all three or none']);
  }
  const key = e.DKIM_PRIVATE_KEY!.includes('BEGIN') ? e.DKIM_PRIVATE_KEY! : readFileSync(e.DKIM_PRIVATE_KEY!, 'utf8');
  return { domainName: e.DKIM_DOMAIN!, keySelector: e.DKIM_SELECTOR!, privateKey: key.replace(/\\n/g, '\n') };
}

function adminTokenOf(e: Env, varDir: string, options: LoadOptions): string {
  if (e.ADMIN_TOKEN !== undefined) {
    if (e.NODE_ENV === 'production' && e.ADMIN_TOKEN.length < 32) {
      throw new ConfigError(['ADMIN_TOKEN: must be at least 32 characters in production']);
    }
    return e.ADMIN_TOKEN;
  }
  if (e.NODE_ENV === 'production') {
    throw new ConfigError(['ADMIN_TOKEN: required in production (at least 32 characters)']);
  }
  const file = resolve(varDir, 'admin-token');
  const secret = persistedSecret(file);
  if (secret.created) options.onTokenGenerated?.(secret.value, file);
  return secret.value;
}

/** Reads a generated secret, creating it (mode 600) on first start. */
function persistedSecret(file: string): { value: string; created: boolean } {
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(dirname(file), { recursive: true });
  const value = randomBytes(32).toString('base64url');
  writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { value, created: true };
}

/** `true`/`false`, a hop count, or Express's list of trusted addresses and subnets. */
function trustProxyOf(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
