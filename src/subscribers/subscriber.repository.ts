import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { QueryFailedError, type DataSource, type Repository } from 'typeorm';
import { suppressionHash } from './email-address.js';
import { Subscriber, type SubscriberStatus } from './subscriber.entity.js';
import { SubscriberLinks } from './subscriber-links.service.js';
import type { SubscriptionChoices } from './subscription.input.js';
import { Suppression } from './suppression.entity.js';

/** Database access for subscribers and the suppression list; services hold the rules. */
@Injectable()
export class SubscriberRepository {
  private readonly subscribers: Repository<Subscriber>;
  private readonly suppressions: Repository<Suppression>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.subscribers = dataSource.getRepository(Subscriber);
    this.suppressions = dataSource.getRepository(Suppression);
  }

  findById(id: number): Promise<Subscriber | null> {
    return this.subscribers.findOneBy({ id });
  }

  findByEmail(email: string): Promise<Subscriber | null> {
    return this.subscribers.findOneBy({ email });
  }

  /** Inserts a new row; null when the address was inserted meanwhile by a concurrent request. */
  async insert(email: string, choices: SubscriptionChoices, status: SubscriberStatus, now: Date): Promise<Subscriber | null> {
    const row = this.subscribers.create({
      email,
      status,
      ...choices,
      paused: false,
      linkKey: SubscriberLinks.newLinkKey(),
      statusReason: null,
      subscribedAt: now,
      confirmedAt: status === 'confirmed' ? now : null,
      unsubscribedAt: null,
      lastDigestAt: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      return await this.subscribers.save(row);
    } catch (err) {
      if (err instanceof QueryFailedError && /unique|duplicate/i.test(err.message)) return null;
      throw err;
    }
  }

  async update(id: number, changes: Partial<Subscriber>, now = new Date()): Promise<void> {
    await this.subscribers.update({ id }, { ...changes, updatedAt: now });
  }

  /** Changes the row only while it still has `from` status; true when this call made the change. */
  async transition(id: number, from: SubscriberStatus[], changes: Partial<Subscriber>, now = new Date()): Promise<boolean> {
    const result = await this.subscribers
      .createQueryBuilder()
      .update()
      .set({ ...changes, updatedAt: now })
      .where('id = :id AND status IN (:...from)', { id, from })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async delete(id: number): Promise<void> {
    await this.subscribers.delete({ id });
  }

  /** Deletes the row and, in the same transaction, remembers the hashed address as "never again". */
  async deleteAndSuppress(subscriber: Subscriber, reason: string, now = new Date()): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await em.getRepository(Subscriber).delete({ id: subscriber.id });
      await em.getRepository(Suppression).upsert({ emailHash: suppressionHash(subscriber.email), reason, createdAt: now }, ['emailHash']);
    });
  }

  async isSuppressed(email: string): Promise<boolean> {
    return (await this.suppressions.countBy({ emailHash: suppressionHash(email) })) > 0;
  }

  async suppress(email: string, reason: string, now = new Date()): Promise<void> {
    await this.suppressions.upsert({ emailHash: suppressionHash(email), reason, createdAt: now }, ['emailHash']);
  }
}
