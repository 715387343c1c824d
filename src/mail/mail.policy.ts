import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { classifyMailError, PermanentMailError, TemporaryMailError } from './mail.errors.js';
import { MailService, type OutgoingMail } from './mail.service.js';

/**
 * The one delivery policy for everything Paperboy sends to a person or a channel:
 * - retry schedule: DIGEST_RETRIES retries of a temporary failure, waiting DIGEST_RETRY_BASE_MS × 2ⁿ
 *   (digests and account mails in-process; channels' HTTP posts; account-mail jobs in the queue);
 * - classification (mail.errors.ts): temporary (and setup) failures are retried, a permanent refusal is not;
 * - bounce: a permanent refusal of a recipient bounces the address, whatever mail it was, with
 *   one reason format (`bounceReason`) and from the same statuses (`BOUNCEABLE`).
 */
export interface RetrySchedule {
  /** Tries after the first one. */
  retries: number;
  baseMs: number;
}

/** The schedule of this install: DIGEST_RETRIES and DIGEST_RETRY_BASE_MS. */
export function retryScheduleOf(config: AppConfig): RetrySchedule {
  return { retries: config.digest.retries, baseMs: config.digest.retryBaseMs };
}

/** The wait before retry number `retry` (1 for the first retry). */
export function retryDelayMs(schedule: RetrySchedule, retry: number): number {
  return schedule.baseMs * 2 ** (retry - 1);
}

/** Subscriber statuses a permanent refusal moves to `bounced` (a pending address that cannot receive mail is as gone as a confirmed one). */
export const BOUNCEABLE = ['pending', 'confirmed'] as const;

/** What a permanent refusal is recorded as, on the subscriber and on a digest's ledger row. */
export function bounceReason(err: PermanentMailError): string {
  return `bounced: ${err.responseCode} ${err.message}`.slice(0, 500);
}

export type SendResult =
  | { ok: true; messageId: string; attempts: number }
  /** Refused for good: bounce the address. */
  | { ok: false; attempts: number; bounce: PermanentMailError }
  /** Still failing after the retries (or an unexpected error): leave it for a later try. */
  | { ok: false; attempts: number; bounce: null; error: unknown };

@Injectable()
export class MailPolicy {
  readonly schedule: RetrySchedule;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly mail: MailService,
  ) {
    this.schedule = retryScheduleOf(config);
  }

  /**
   * Sends one message under the policy: temporary failures are retried on the schedule (unless
   * `stop()` says the process is closing), a permanent one is returned for the caller to bounce.
   * Never throws for a mail failure.
   */
  async send(message: OutgoingMail, options: { stop?: () => boolean; wait?: (ms: number) => Promise<unknown> } = {}): Promise<SendResult> {
    const wait = options.wait ?? sleep;
    for (let attempt = 1; ; attempt++) {
      try {
        const { messageId } = await this.mail.send(message);
        return { ok: true, messageId, attempts: attempt };
      } catch (err) {
        if (err instanceof PermanentMailError) return { ok: false, attempts: attempt, bounce: err };
        if (!(err instanceof TemporaryMailError) || attempt > this.schedule.retries || options.stop?.())
          return { ok: false, attempts: attempt, bounce: null, error: err };
        await wait(retryDelayMs(this.schedule, attempt));
      }
    }
  }

  /** One try, for a queued job: BullMQ retries it on the same schedule (`jobOptions`). Throws a temporary failure. */
  async sendOnce(message: OutgoingMail): Promise<SendResult> {
    try {
      const { messageId } = await this.mail.send(message);
      return { ok: true, messageId, attempts: 1 };
    } catch (err) {
      const e = classifyMailError(err);
      if (e instanceof PermanentMailError) return { ok: false, attempts: 1, bounce: e };
      throw e;
    }
  }

  /** A queued mail's attempts and backoff: the first try and the retries of the schedule. */
  get jobOptions(): { attempts: number; backoff: { type: 'exponential'; delay: number } } {
    return { attempts: this.schedule.retries + 1, backoff: { type: 'exponential', delay: this.schedule.baseMs } };
  }
}
