import { isIPv6 } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { TooManyRequestsError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

const HOUR_MS = 3600_000;
const SWEEP_AT = 50_000;

/** Fixed-window counters per key, in memory and per process; expired windows are swept as keys pile up. */
export class WindowCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one hit; returns the seconds to wait when the key is over its limit, else 0. */
  hit(key: string, now = Date.now()): number {
    if (this.windows.size >= SWEEP_AT) this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    if (w.count >= this.limit) return Math.max(1, Math.ceil((w.resetAt - now) / 1000));
    w.count += 1;
    return 0;
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

export class RateLimitedError extends TooManyRequestsError {
  declare readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message, retryAfterSeconds);
  }
}

/**
 * Nobody can make Paperboy mail-bomb an address or flood it with sign-ups: requests are counted
 * per client IP (IPv6 per /64, what one host usually holds) and per normalized address. The
 * address limit is counted for every valid request, known address or not, so a 429 reveals nothing.
 */
@Injectable()
export class SubscribeLimiter {
  private readonly perIp: WindowCounter;
  private readonly perAddress: WindowCounter;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.perIp = new WindowCounter(config.subscribe.perIpPerHour, HOUR_MS);
    this.perAddress = new WindowCounter(config.subscribe.perAddressPerHour, HOUR_MS);
  }

  checkIp(ip: string | undefined): void {
    const wait = this.perIp.hit(clientKey(ip ?? 'unknown'));
    if (wait) throw new RateLimitedError(`too many subscription requests from your network; try again in ${minutes(wait)}`, wait);
  }

  checkAddress(email: string): void {
    const wait = this.perAddress.hit(mailboxKey(email));
    if (wait) throw new RateLimitedError(`too many subscription requests for this address; try again in ${minutes(wait)}`, wait);
  }
}

/**
 * The mailbox an address reaches, for counting: `ann+news@x` and `Ann+other@x` land in ann@x's
 * inbox at every provider that supports tags, so they share one per-address budget.
 */
export function mailboxKey(email: string): string {
  const lower = email.toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return lower;
  const local = lower.slice(0, at).replace(/\+.*$/, '');
  return `${local || lower.slice(0, at)}${lower.slice(at)}`;
}

export function clientKey(ip: string): string {
  const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (!isIPv6(plain)) return plain;
  const groups = expandIpv6(plain);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

function expandIpv6(ip: string): string[] {
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = ip.includes('::') ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return m <= 1 ? 'a minute' : `${m} minutes`;
}
