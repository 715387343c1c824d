import { z } from 'zod';

const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = (protocols: string[]) => z.string().refine((v) => protocols.some((p) => v.startsWith(p)), { message: `must start with ${protocols.join(' or ')}` });

/** Every setting the process reads, validated once at start (PRODUCT.md, "Settings"). */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intIn(0, 65535).default(3000),
  // Loopback by default: /outbox (every confirmation link) and /metrics must not reach the network by accident.
  HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:%-]+$/, 'must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0')
    .default('127.0.0.1'),
  PUBLIC_URL: url(['http://', 'https://']).default('http://localhost:3000'),
  DATABASE_URL: url(['sqlite:', 'postgres://', 'postgresql://']).default('sqlite:var/paperboy.sqlite'),
  REDIS_URL: url(['redis://', 'rediss://']).optional(),
  MAIL_TRANSPORT: url(['file:', 'smtp://', 'smtps://']).default('file:var/outbox'),
  MAIL_FROM: z.string().min(3).default('Paperboy <papers@localhost>'),
  MAIL_RATE_PER_SECOND: z.coerce.number().min(0).default(0),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  ADMIN_TOKEN: z.string().optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  INGEST_DIR: z.string().min(1).default('var/inbox'),
  DIGEST_DEFAULT_HOUR: intIn(0, 23).default(8),
  DIGEST_MAX_PAPERS: intIn(1, 100).default(10),
  DIGEST_CONCURRENCY: intIn(1, 100).default(10),
  DIGEST_RETRIES: intIn(0, 10).default(3),
  DIGEST_RETRY_BASE_MS: intIn(0, 600_000).default(2000),
  DIGEST_TICK_SECONDS: intIn(1, 3600).default(300),
  QUEUE_LOCK_MS: intIn(1000, 600_000).default(30_000),
  QUEUE_ATTEMPTS: intIn(1, 100).default(5),
  QUEUE_BACKOFF_MS: intIn(0, 600_000).default(2000),
  VAR_DIR: z.string().min(1).default('var'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  SCHEDULER_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  INGEST_POLL_SECONDS: z.coerce.number().min(0).default(5),
  // Largest admin upload (dump or CSV), streamed to a temporary file; a larger body is answered 413.
  ADMIN_UPLOAD_MAX_MB: intIn(1, 100_000).default(256),
  INGEST_STALE_HOURS: z.coerce.number().min(1).max(10_000).default(36),
  // Subscribe abuse limits, per process: requests per client IP and per address, each per hour.
  SUBSCRIBE_LIMIT_PER_IP: intIn(1, 1_000_000).default(20),
  SUBSCRIBE_LIMIT_PER_ADDRESS: intIn(1, 1000).default(3),
  // Express "trust proxy": unset/false when clients connect directly; true, a hop count or subnets behind a reverse proxy.
  TRUST_PROXY: z.string().default('false'),
  // Integrations (src/channels, src/webhooks, src/events): signing key, events out, provider keys for mail events in.
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  WEBHOOK_URL: url(['http://', 'https://']).optional(),
  POSTMARK_WEBHOOK_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().min(40, 'must be the base64 public key SendGrid shows').optional(),
  MAILGUN_SIGNING_KEY: z.string().min(8).optional(),
  SES_TOPIC_ARNS: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;
