import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { InvalidInputError } from '../common/errors.js';
import { AppConfig, SNS_CERT_URL } from './app-config.js';
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
  refuseBlankSecrets(env);
  const e = parseEnv(env);
  checkIntegrations(e);
  const varDir = resolve(e.VAR_DIR);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
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
    metricsToken: e.METRICS_TOKEN ?? null,
    secretKey: e.SECRET_KEY ?? persistedSecret(resolve(varDir, 'secret-key')).value,
    varDir,
    ingestDir: resolve(e.INGEST_DIR),
    ingestPollSeconds: e.INGEST_POLL_SECONDS,
    adminUploadMaxBytes: e.ADMIN_UPLOAD_MAX_MB * 1024 * 1024,
    ingestStaleHours: e.INGEST_STALE_HOURS,
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
    queue: { attempts: e.QUEUE_ATTEMPTS, backoffMs: e.QUEUE_BACKOFF_MS },
    subscribe: { perIpPerHour: e.SUBSCRIBE_LIMIT_PER_IP, perAddressPerHour: e.SUBSCRIBE_LIMIT_PER_ADDRESS },
    trustProxy: trustProxyOf(e.TRUST_PROXY),
    integrations: {
      webhookSecret: e.WEBHOOK_SECRET ?? null,
      webhookUrl: e.WEBHOOK_URL ?? null,
      postmarkToken: e.POSTMARK_WEBHOOK_TOKEN ?? null,
      sendgridPublicKey: e.SENDGRID_WEBHOOK_PUBLIC_KEY ?? null,
      mailgunSigningKey: e.MAILGUN_SIGNING_KEY ?? null,
      sesTopicArns: (e.SES_TOPIC_ARNS ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
      snsCertUrl: SNS_CERT_URL,
      httpTimeoutMs: 10_000,
    },
  };
}

const SECRETS = ['ADMIN_TOKEN', 'SECRET_KEY', 'METRICS_TOKEN'] as const;

/**
 * A secret set to blanks (`ADMIN_TOKEN=` or `ADMIN_TOKEN="  "` in a .env) is a mistake, not a
 * wish for the default: refused with its name rather than read as unset or as a token nobody can
 * type. Spaces at either end are refused too, since an Authorization header never carries them.
 */
function refuseBlankSecrets(env: NodeJS.ProcessEnv): void {
  const problems: string[] = [];
  for (const name of SECRETS) {
    const value = env[name];
    if (value === undefined) continue;
    if (value.trim() === '')
      problems.push(
        `${name}: is set but blank; set a real value${name === 'METRICS_TOKEN' ? '' : ', or remove the line to have one generated into VAR_DIR (not in production)'}`,
      );
    else if (value !== value.trim())
      problems.push(`${name}: starts or ends with whitespace; remove it (a pasted newline or space would make it impossible to present)`);
  }
  if (problems.length) throw new ConfigError(problems);
}

/** Events out are signed: a URL without the key would send what nobody can verify. */
function checkIntegrations(e: Env): void {
  if (e.WEBHOOK_URL && !e.WEBHOOK_SECRET) throw new ConfigError(['WEBHOOK_URL: needs WEBHOOK_SECRET too (events are signed with it)']);
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

/**
 * What Express's "trust proxy" accepts: `true`/`false`, a hop count (the number of proxies in
 * front, e.g. 1 for one nginx), or a comma-separated list of addresses, subnets (`10.0.0.0/8`,
 * `10.0.0.0/255.0.0.0`) and the names loopback, linklocal and uniquelocal. Anything else would
 * only fail at the first request, so it is refused at start.
 */
function trustProxyOf(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  const bad = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => !isTrustedProxyItem(v));
  if (bad.length)
    throw new ConfigError([
      `TRUST_PROXY: "${bad[0].slice(0, 60)}" is not true, false, a hop count, an address, a subnet or one of loopback, linklocal, uniquelocal`,
    ]);
  return value;
}

function isTrustedProxyItem(item: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) return true;
  const [ip, range, ...rest] = item.split('/');
  if (rest.length || !isIP(ip)) return false;
  if (range === undefined) return true;
  if (/^\d+$/.test(range)) return Number(range) <= (isIP(ip) === 4 ? 32 : 128);
  return isIP(range) === isIP(ip);
}
