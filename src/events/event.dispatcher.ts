import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { claimIsLive, newClaimant } from '../digests/delivery.claims.js';
import { CLAIM_TTL_MS, EventOutbox, type OutboxRow } from './event-outbox.repository.js';
import { EventsService } from './events.service.js';
import { postOnce } from './http-post.js';
import { SIGNATURE_HEADER, signBody } from '../http/index.js';

const POLL_MS = 1000;
const BATCH = 200;
/** After this many tries (about a day with the backoff cap) an event is given up on and kept as failed. */
const MAX_ATTEMPTS = 30;
const MAX_BACKOFF_MS = 3600_000;

/**
 * Posts stored events to WEBHOOK_URL (in `serve`): oldest first, and an event that could not be
 * delivered holds back its subscriber's later events (not others'), so each subscriber's events
 * arrive in order. Backoff is stored with the event, so a restart keeps it.
 */
@Injectable()
export class EventDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('EventDispatcher');
  private readonly claimant = newClaimant();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: EventOutbox,
    private readonly events: EventsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.events.enabled) return;
    this.unsubscribe = this.events.onEmit(() => this.kick());
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running;
    this.claimant.done();
  }

  /** One pump at a time; a kick during a pump makes it go round once more. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pump()
      .catch((err: unknown) => this.log.error({ msg: 'event delivery pass failed', err: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pump(): Promise<void> {
    const blocked = new Set<string>();
    for (const row of await this.outbox.pending(BATCH)) {
      if (this.stopped) return;
      if (blocked.has(row.orderingKey)) continue;
      if (
        row.nextAttemptAt.getTime() > Date.now() ||
        this.heldElsewhere(row) ||
        !(await this.outbox.claim(row.id, this.claimant.id, row.claimedBy, new Date()))
      ) {
        blocked.add(row.orderingKey);
        continue;
      }
      if (!(await this.deliver(row))) blocked.add(row.orderingKey);
    }
  }

  /**
   * Whether another live process is posting this event now. A claim left by a killed process on this
   * host is taken over at once (its pid is gone), so a restarted server re-sends its in-flight event
   * first rather than after the claim's TTL; other hosts' claims are trusted for CLAIM_TTL_MS.
   */
  private heldElsewhere(row: OutboxRow): boolean {
    if (!row.claimedBy || row.claimedBy === this.claimant.id || !row.claimedAt) return false;
    const now = new Date();
    return claimIsLive(row.claimedBy, row.claimedAt, now) && now.getTime() - row.claimedAt.getTime() < CLAIM_TTL_MS;
  }

  /** True when the event is done with (delivered or given up on). */
  private async deliver(row: OutboxRow): Promise<boolean> {
    const { webhookUrl, webhookSecret, httpTimeoutMs } = this.config.integrations;
    const event = JSON.parse(row.payload) as { id: string };
    const headers = { [SIGNATURE_HEADER]: signBody(webhookSecret!, row.payload), 'X-Paperboy-Event': row.type, 'X-Paperboy-Delivery': event.id };
    const outcome = await postOnce(webhookUrl!, row.payload, headers, httpTimeoutMs);
    const attempts = row.attempts + 1;
    if (outcome.kind === 'ok') {
      await this.outbox.delivered(row.id, attempts, new Date());
      return true;
    }
    if (outcome.kind === 'fail' || attempts >= MAX_ATTEMPTS) {
      await this.outbox.failed(row.id, attempts, outcome.reason);
      this.log.warn({ msg: 'event given up on', id: row.id, type: row.type, reason: outcome.reason });
      return true;
    }
    const backoff = Math.min(this.config.digest.retryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
    await this.outbox.retryLater(row.id, attempts, new Date(Date.now() + Math.max(backoff, outcome.retryAfterMs ?? 0)), outcome.reason);
    return false;
  }
}
