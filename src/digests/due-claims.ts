import { Injectable } from '@nestjs/common';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberRepository } from '../subscribers/subscriber.repository.js';
import { DigestLedger, type ClaimedDelivery } from './digest-ledger.repository.js';
import { DuePlanner } from './due-planner.js';
import type { DueRange } from './due-range.repository.js';

/** Deliveries claimed together, with their subscribers (those still confirmed and not paused). */
export interface Batch {
  claimed: ClaimedDelivery[];
  subscribers: Map<number, Subscriber>;
}

/** Readers read per page of due readers: only their schedules, so pages can be larger than profile pages. */
const DUE_PAGE = 2000;

/**
 * The deliveries of readers due at an instant, claimed in the ledger: the one path of an in-process
 * run (every due reader, a page claimed at a time) and of a worker taking a queued run's range
 * (its readers, `claimEach` at a time, so a worker killed mid-range holds only those).
 */
@Injectable()
export class DueClaims {
  constructor(
    private readonly due: DuePlanner,
    private readonly ledger: DigestLedger,
    private readonly subscribers: SubscriberRepository,
  ) {}

  async *batches(
    runId: number,
    claimant: string,
    now: Date,
    opts: { range?: Pick<DueRange, 'after' | 'upto'>; claimEach?: number } = {},
  ): AsyncGenerator<Batch> {
    for await (const due of this.due.pages(now, DUE_PAGE, opts.range)) {
      if (due.length === 0) continue;
      const plan = this.due.plan(due, now);
      const mine = new Set<number>();
      const step = opts.claimEach ?? plan.length;
      for (let i = 0; i < plan.length; i += step) {
        const claimed = await this.ledger.claim(runId, claimant, plan.slice(i, i + step), now);
        for (const c of claimed) mine.add(c.subscriberId);
        if (claimed.length) yield await this.withSubscribers(claimed);
      }
      await this.due.settle(due, mine, now);
    }
  }

  private async withSubscribers(claimed: ClaimedDelivery[]): Promise<Batch> {
    const found = await this.subscribers.activeByIds(claimed.map((c) => c.subscriberId));
    return { claimed, subscribers: new Map(found.map((s) => [s.id, s])) };
  }
}
