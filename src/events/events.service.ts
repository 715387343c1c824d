import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventOutbox } from './event-outbox.repository.js';

export const EVENT_TYPES = ['subscriber.confirmed', 'subscriber.unsubscribed', 'subscriber.bounced', 'subscriber.complained', 'digest.sent'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Who an event is about; events of one subscriber are delivered in the order they happened. */
export interface EventSubject {
  id: number;
  email: string;
}

type Listener = () => void;

/**
 * Events for WEBHOOK_URL. `emit` only stores the event (the outbox); EventDispatcher posts it.
 * An event that cannot be stored is logged, never thrown: a reader's unsubscribe must not fail
 * because the operator's webhook bookkeeping did.
 */
@Injectable()
export class EventsService {
  private readonly log = new Logger('Events');
  private readonly listeners = new Set<Listener>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: EventOutbox,
  ) {}

  get enabled(): boolean {
    return this.config.integrations.webhookUrl !== null;
  }

  async emit(type: EventType, subject: EventSubject, data: Record<string, unknown> = {}, now = new Date()): Promise<void> {
    if (!this.enabled) return;
    const event = { id: randomUUID(), type, createdAt: now.toISOString(), data: { subscriberId: subject.id, email: subject.email, ...data } };
    try {
      await this.outbox.add(type, `subscriber:${subject.id}`, JSON.stringify(event), now);
      for (const l of this.listeners) l();
    } catch (err) {
      this.log.error({ msg: 'event not stored', type, subscriberId: subject.id, err: err instanceof Error ? err.message : String(err) });
    }
  }

  /** The dispatcher in this process wants to know at once rather than at its next poll. */
  onEmit(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
