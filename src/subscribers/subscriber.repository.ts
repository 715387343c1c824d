import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, QueryFailedError, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { dialectOf, sqlTimestamp } from '../database/dialect.js';
import { DigestDelivery } from '../digests/digest-delivery.entity.js';
import { DigestRun } from '../digests/digest-run.entity.js';
import { FeedbackVote } from '../feedback/feedback-vote.entity.js';
import { Paper } from '../papers/paper.entity.js';
import { normalizeEmail, suppressionHash } from './email-address.js';
import { Subscriber, type SubscriberStatus } from './subscriber.entity.js';
import { SubscriberLinks } from './subscriber-links.service.js';
import type { SubscriptionChoices } from './subscription.input.js';
import { Suppression } from './suppression.entity.js';

/** What a digest run's options say instead of the address of a subscriber who was deleted since. */
export const DELETED_ADDRESS = '(deleted subscriber)';

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
      authors: choices.authors ?? [],
      likes: choices.likes ?? [],
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

  /**
   * Deletes the person: their row, their delivery history (ON DELETE CASCADE) and the address
   * where a digest run recorded it as its target (`paperboy send --email`), in one transaction.
   */
  async delete(subscriber: Subscriber): Promise<void> {
    await this.dataSource.transaction((em) => this.erase(em, subscriber));
  }

  /** Deletes as above and, in the same transaction, remembers the hashed address as "never again". */
  async deleteAndSuppress(subscriber: Subscriber, reason: string, now = new Date()): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await this.erase(em, subscriber);
      await em.getRepository(Suppression).upsert({ emailHash: suppressionHash(subscriber.email), reason, createdAt: now }, ['emailHash']);
    });
  }

  private async erase(em: EntityManager, subscriber: Subscriber): Promise<void> {
    await em.getRepository(DigestDelivery).delete({ subscriberId: subscriber.id });
    await em.getRepository(FeedbackVote).delete({ subscriberId: subscriber.id });
    await em.getRepository(Subscriber).delete({ id: subscriber.id });
    const runs = em.getRepository(DigestRun);
    const targeted = await runs.createQueryBuilder('r').select(['r.id', 'r.options']).where('CAST(r.options AS text) LIKE :p', { p: '%"email"%' }).getMany();
    for (const run of targeted) {
      const target = run.options.email;
      const check = typeof target === 'string' ? normalizeEmail(target) : null;
      if (check?.ok && check.email === subscriber.email) await runs.update({ id: run.id }, { options: { ...run.options, email: DELETED_ADDRESS } });
    }
  }

  /** The person's delivery history, oldest first, with the papers each digest held (for "export my data"). */
  async deliveriesOf(subscriberId: number): Promise<{ delivery: DigestDelivery; papers: Pick<Paper, 'id' | 'arxivId' | 'title'>[] }[]> {
    const deliveries = await this.dataSource.getRepository(DigestDelivery).find({ where: { subscriberId }, order: { createdAt: 'ASC', id: 'ASC' } });
    const ids = [...new Set(deliveries.flatMap((d) => d.paperIds ?? []))];
    const papers = ids.length
      ? await this.dataSource.getRepository(Paper).find({ select: { id: true, arxivId: true, title: true }, where: { id: In(ids) } })
      : [];
    const byId = new Map(papers.map((p) => [p.id, p]));
    return deliveries.map((delivery) => ({ delivery, papers: (delivery.paperIds ?? []).flatMap((id) => byId.get(id) ?? []) }));
  }

  /** The person's votes ("more / less like this"), oldest first, with the papers' titles (for "export my data"). */
  async votesOf(subscriberId: number): Promise<{ vote: FeedbackVote; paper: Pick<Paper, 'arxivId' | 'title'> | null }[]> {
    const votes = await this.dataSource.getRepository(FeedbackVote).find({ where: { subscriberId }, order: { createdAt: 'ASC', paperId: 'ASC' } });
    const ids = votes.map((v) => v.paperId);
    const papers = ids.length
      ? await this.dataSource.getRepository(Paper).find({ select: { id: true, arxivId: true, title: true }, where: { id: In(ids) } })
      : [];
    const byId = new Map(papers.map((p) => [p.id, p]));
    return votes.map((vote) => ({ vote, paper: byId.get(vote.paperId) ?? null }));
  }

  /** Once a digest is sent: shown on the admin page and in "export my data"; never moves back. */
  async recordDigest(id: number, at: Date): Promise<void> {
    await this.subscribers
      .createQueryBuilder()
      .update()
      .set({ lastDigestAt: at })
      .where('id = :id AND (last_digest_at IS NULL OR last_digest_at < :at)', { id, at: sqlTimestamp(dialectOf({ connection: this.dataSource }), at) })
      .execute();
  }

  async isSuppressed(email: string): Promise<boolean> {
    return (await this.suppressions.countBy({ emailHash: suppressionHash(email) })) > 0;
  }

  async suppress(email: string, reason: string, now = new Date()): Promise<void> {
    await this.suppressions.upsert({ emailHash: suppressionHash(email), reason, createdAt: now }, ['emailHash']);
  }
}
