/** The typed configuration every service receives by injection; nothing reads process.env after start-up. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  /** The address the server listens on. */
  host: string;
  publicUrl: string;
  database: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
  redisUrl: string | null;
  mail: {
    transport: string;
    from: string;
    ratePerSecond: number;
    dkim: { domainName: string; keySelector: string; privateKey: string } | null;
  };
  adminToken: string;
  /** When set, /metrics wants `Authorization: Bearer <metricsToken>`; in production it is closed without one. */
  metricsToken: string | null;
  secretKey: string;
  varDir: string;
  ingestDir: string;
  ingestPollSeconds: number;
  /** Largest admin request body (a dump or a CSV), in bytes: streamed to VAR_DIR/uploads, 413 past it. */
  adminUploadMaxBytes: number;
  /** No new papers for this many hours (weekend hours not counted) makes the source stale. */
  ingestStaleHours: number;
  digest: {
    defaultHour: number;
    maxPapers: number;
    /** Messages in flight at once per process: twice the SMTP pool's connections keeps each busy while the ledger records the last. */
    concurrency: number;
    /** Retries of a temporary SMTP failure within a run, waiting retryBaseMs × 2^n between tries. */
    retries: number;
    retryBaseMs: number;
  };
  logLevel: string;
  schedulerEnabled: boolean;
  /** How often the scheduler looks for due digests. */
  tickSeconds: number;
  /** How long a worker holds a job before BullMQ deems it stalled (a dead worker) and hands it on. */
  queueLockMs: number;
  /** A queued delivery job's tries (a worker that died, a row another worker holds) and the first wait between them, doubling. */
  queue: { attempts: number; backoffMs: number };
  /** Abuse limits on subscribing, per process and per hour. */
  subscribe: { perIpPerHour: number; perAddressPerHour: number };
  /** Express's `trust proxy` setting, so rate limits see the client's address behind a reverse proxy. */
  trustProxy: boolean | number | string;
  /** Channels, events out and mail events in (see src/channels, src/events, src/webhooks). */
  integrations: IntegrationsConfig;
}

export interface IntegrationsConfig {
  /** HMAC key of `X-Paperboy-Signature` (outgoing webhooks, and the generic inbound mail-events webhook). */
  webhookSecret: string | null;
  /** Where subscriber and digest events are POSTed; null: no events out. */
  webhookUrl: string | null;
  postmarkToken: string | null;
  sendgridPublicKey: string | null;
  mailgunSigningKey: string | null;
  /** SNS topics whose messages are accepted; empty: any topic (the signature still must verify). */
  sesTopicArns: string[];
  /**
   * Which SNS signing-certificate (and subscribe) URLs are trusted. Never read from the environment:
   * tests inject a local one through the config object; production always has AWS's.
   */
  snsCertUrl: RegExp;
  /** Per-request timeout of channel and event deliveries. */
  httpTimeoutMs: number;
}

/** Amazon SNS serves its signing certificates only from these hosts, over https. */
export const SNS_CERT_URL = /^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

export const APP_CONFIG = Symbol('APP_CONFIG');
