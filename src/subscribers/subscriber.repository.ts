import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '../database/inject-data-source.js';
import { In, MoreThan, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { InvalidInputError } from '../common/errors.js';
import { dialectOf, param, sqlTimestamp, type DialectName } from '../database/dialect.js';
import { parseTimestamp } from '../database/timestamp.js';
import { dialectOfSource, runWrite, type WriteSteps } from '../database/write-steps.js';
import { DigestDelivery } from '../digests/digest-delivery.entity.js';
import { DigestRun } from '../digests/digest-run.entity.js';
import { FeedbackVote } from '../feedback/feedback-vote.entity.js';
import { Paper } from '../papers/paper.entity.js';
import { normalizeEmail, suppressionHash } from './email-address.js';
import { Subscriber, type SubscriberStatus } from './subscriber.entity.js';
import { SubscriberLinks } from './subscriber-links.service.js';
import { SubscriberTopic } from './subscriber-topic.entity.js';
import type { SubscriptionChoices } from './subscription.input.js';
import { Suppression } from './suppression.entity.js';

/** What a digest run's options say instead of the address of a subscriber who was deleted since. */
export const DELETED_ADDRESS = '(deleted subscriber)';

/** Topic rows in the reader's order, in one statement (a few hundred parameters at most). */
export function* topicSteps(d: DialectName, id: number, topics: string[]): WriteSteps<void> {
  const unique = [...new Set(topics)];
  if (unique.length === 0) return;
  yield {
    sql: `INSERT INTO subscriber_topics (subscriber_id, topic_slug, position) VALUES ${unique.map((_, i) => `(${param(d, 3 * i + 1)}, ${param(d, 3 * i + 2)}, ${param(d, 3 * i + 3)})`).join(', ')}`,
    params: unique.flatMap((slug, i) => [id, slug, i]),
  };
}

/** The reader's topic rows replaced by `topics`, in the same transaction as the caller's other writes. */
export function* replaceTopicSteps(d: DialectName, id: number, topics: string[]): WriteSteps<void> {
  yield { sql: `DELETE FROM subscriber_topics WHERE subscriber_id = ${param(d, 1)}`, params: [id] };
  yield* topicSteps(d, id, topics);
}

function sqlValue(d: DialectName, value: unknown): unknown {
  if (value instanceof Date) return sqlTimestamp(d, value);
  if (typeof value === 'boolean' && d === 'sqlite') return value ? 1 : 0;
  // simple-json columns (authors, likes): stored as TypeORM stores them, JSON text.
  if (Array.isArray(value) || (value !== null && typeof value === 'object')) return JSON.stringify(value);
  return value;
}

/** Where the import writes: the dialect, and a runner of one short write transaction (the streamed CSV import). */
export interface ImportWriter {
  dialect: DialectName;
  write<T>(steps: () => WriteSteps<T>): Promise<T>;
}

/** Database access for subscribers and the suppression list; services hold the rules. */
@Injectable()
export class SubscriberRepository {
  private readonly subscribers: Repository<Subscriber>;
  private readonly suppressions: Repository<Suppression>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.subscribers = dataSource.getRepository(Subscriber);
    this.suppressions = dataSource.getRepository(Suppression);
  }

  /** For the streamed CSV import (subscriber-import.ts): its batches as short write transactions here. */
  get importWriter(): ImportWriter {
    return { dialect: dialectOfSource(this.dataSource), write: (steps) => runWrite(this.dataSource, steps) };
  }

  async findById(id: number): Promise<Subscriber | null> {
    return this.one(await this.subscribers.findOneBy({ id }));
  }

  async findByEmail(email: string): Promise<Subscriber | null> {
    return this.one(await this.subscribers.findOneBy({ email }));
  }

  /** The subscriber with this address (normalised first); an unknown or malformed address is bad input naming it. */
  async getByAddress(address: string): Promise<Subscriber> {
    const check = normalizeEmail(address);
    const s = check.ok ? await this.findByEmail(check.email) : null;
    if (!s) throw new InvalidInputError(`no subscriber with the address "${address.slice(0, 254)}"`);
    return s;
  }

  /** Fills each row's `topics` from subscriber_topics, in the reader's order; one query per 500 rows. */
  async withTopics(rows: Subscriber[]): Promise<Subscriber[]> {
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows) r.topics = [];
    const ids = [...byId.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const links = await this.dataSource
        .getRepository(SubscriberTopic)
        .find({ where: { subscriberId: In(ids.slice(i, i + 500)) }, order: { position: 'ASC' } });
      for (const l of links) byId.get(l.subscriberId)!.topics.push(l.topicSlug);
    }
    return rows;
  }

  private async one(row: Subscriber | null): Promise<Subscriber | null> {
    return row && (await this.withTopics([row]))[0];
  }

  /** Confirmed, unpaused subscribers after id `after`, by id: one page of a digest run's audience. */
  async audiencePage(filter: { email?: string; topic?: string }, after: number, take: number): Promise<Subscriber[]> {
    const qb = this.subscribers
      .createQueryBuilder('s')
      .where('s.status = :status AND s.paused = :paused AND s.id > :after', { status: 'confirmed', paused: false, after })
      .orderBy('s.id', 'ASC')
      .take(take);
    if (filter.email !== undefined) qb.andWhere('s.email = :email', { email: filter.email });
    if (filter.topic !== undefined) qb.innerJoin(SubscriberTopic, 'st', 'st.subscriber_id = s.id AND st.topic_slug = :topic', { topic: filter.topic });
    return this.withTopics(await qb.getMany());
  }

  /** Of these subscribers, those a digest may still go to (confirmed, not paused). */
  async activeByIds(ids: number[]): Promise<Subscriber[]> {
    return this.withTopics(await this.subscribers.findBy({ id: In(ids), status: 'confirmed', paused: false }));
  }

  /** Every subscriber after id `after`, by id (the CSV export's pages). */
  async pageAfter(after: number, take: number): Promise<Subscriber[]> {
    return this.withTopics(await this.subscribers.find({ where: { id: MoreThan(after) }, order: { id: 'ASC' }, take }));
  }

  /** The operators' search: a piece of the address (case-insensitive, wildcards literal) and a status. */
  async search(query: { q?: string; status?: SubscriberStatus; limit: number; offset: number }): Promise<[Subscriber[], number]> {
    const qb = this.subscribers.createQueryBuilder('s').orderBy('s.id', 'ASC').take(query.limit).skip(query.offset);
    if (query.status) qb.andWhere('s.status = :status', { status: query.status });
    // Addresses are stored lowercased; LIKE's wildcards in the search text are taken literally.
    if (query.q) qb.andWhere(`s.email LIKE :q ESCAPE '\\'`, { q: `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    const [rows, total] = await qb.getManyAndCount();
    return [await this.withTopics(rows), total];
  }

  /** How many confirmed subscribers read each topic (slugs nobody reads are absent). */
  async confirmedPerTopic(): Promise<Map<string, number>> {
    const rows: { slug: string; n: string | number }[] = await this.dataSource
      .getRepository(SubscriberTopic)
      .createQueryBuilder('st')
      .innerJoin(Subscriber, 's', 's.id = st.subscriber_id')
      .select('st.topic_slug', 'slug')
      .addSelect('count(*)', 'n')
      .where('s.status = :status', { status: 'confirmed' })
      .groupBy('st.topic_slug')
      .getRawMany();
    return new Map(rows.map((r) => [r.slug, Number(r.n)]));
  }

  /** Inserts a new row with its topics; null when the address was inserted meanwhile by a concurrent request. */
  async insert(email: string, choices: SubscriptionChoices, status: SubscriberStatus, now: Date): Promise<Subscriber | null> {
    const { topics, ...rest } = choices;
    const row: Partial<Subscriber> = {
      email,
      status,
      ...rest,
      authors: rest.authors ?? [],
      likes: rest.likes ?? [],
      paused: false,
      linkKey: SubscriberLinks.newLinkKey(),
      statusReason: null,
      subscribedAt: now,
      confirmedAt: status === 'confirmed' ? now : null,
      unsubscribedAt: null,
      lastDigestAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const d = dialectOfSource(this.dataSource);
    let id: number;
    try {
      id = await runWrite(this.dataSource, () => this.insertSteps(d, row, topics));
    } catch (err) {
      if (/unique|duplicate/i.test((err as Error).message)) return null;
      throw err;
    }
    return this.findById(id);
  }

  private *insertSteps(d: DialectName, row: Partial<Subscriber>, topics: string[]): WriteSteps<number> {
    const { columns, values } = this.columnsOf(d, row);
    const [inserted] = yield {
      sql: `INSERT INTO subscribers (${columns.join(', ')}) VALUES (${values.map((_, i) => param(d, i + 1)).join(', ')}) RETURNING id`,
      params: values,
    };
    const id = Number(inserted.id);
    yield* topicSteps(d, id, topics);
    return id;
  }

  async update(id: number, changes: Partial<Subscriber>, now = new Date()): Promise<void> {
    const { topics, ...columns } = changes;
    if (topics === undefined) {
      await this.subscribers.update({ id }, { ...columns, updatedAt: now });
      return;
    }
    const d = dialectOfSource(this.dataSource);
    await runWrite(this.dataSource, () => this.updateSteps(d, id, null, { ...columns, updatedAt: now }, topics));
  }

  /** Changes the row only while it still has `from` status; true when this call made the change. */
  async transition(id: number, from: SubscriberStatus[], changes: Partial<Subscriber>, now = new Date()): Promise<boolean> {
    const { topics, ...columns } = changes;
    if (topics === undefined) {
      const result = await this.subscribers
        .createQueryBuilder()
        .update()
        .set({ ...columns, updatedAt: now })
        .where('id = :id AND status IN (:...from)', { id, from })
        .execute();
      return (result.affected ?? 0) > 0;
    }
    const d = dialectOfSource(this.dataSource);
    return runWrite(this.dataSource, () => this.updateSteps(d, id, from, { ...columns, updatedAt: now }, topics));
  }

  /** The row's columns and its topics in one transaction; with `from`, only while the status is one of them. */
  private *updateSteps(d: DialectName, id: number, from: SubscriberStatus[] | null, changes: Partial<Subscriber>, topics: string[]): WriteSteps<boolean> {
    const [current] = yield { sql: `SELECT status FROM subscribers WHERE id = ${param(d, 1)}${d === 'postgres' ? ' FOR UPDATE' : ''}`, params: [id] };
    if (!current || (from && !from.includes(current.status as SubscriberStatus))) return false;
    const { columns, values } = this.columnsOf(d, changes);
    yield {
      sql: `UPDATE subscribers SET ${columns.map((c, i) => `${c} = ${param(d, i + 1)}`).join(', ')} WHERE id = ${param(d, columns.length + 1)}`,
      params: [...values, id],
    };
    yield* replaceTopicSteps(d, id, topics);
    return true;
  }

  /** Column names and SQL values of an entity's fields, for the writes above that TypeORM cannot put in one transaction here. */
  private columnsOf(d: DialectName, fields: Partial<Subscriber>): { columns: string[]; values: unknown[] } {
    const meta = this.dataSource.getMetadata(Subscriber);
    const columns: string[] = [];
    const values: unknown[] = [];
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      const column = meta.findColumnWithPropertyName(name);
      if (!column) throw new Error(`subscribers has no column for "${name}"`);
      columns.push(column.databaseName);
      values.push(sqlValue(d, value));
    }
    return { columns, values };
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

  /** When the reader's last digest was sent; null when none was. */
  async lastSentAt(subscriberId: number): Promise<Date | null> {
    const d = dialectOf({ connection: this.dataSource });
    const [last] = await this.dataSource.query(`SELECT max(sent_at) AS at FROM digest_deliveries WHERE subscriber_id = ${param(d, 1)} AND status = 'sent'`, [
      subscriberId,
    ]);
    return last?.at ? parseTimestamp(last.at as string | Date) : null;
  }

  /** The reader's first (not resent) ledger row of a period, with its run's options; empty when none. */
  periodRows(subscriberId: number, period: string): Promise<{ status: string; options: string | null }[]> {
    const d = dialectOf({ connection: this.dataSource });
    return this.dataSource.query(
      `SELECT d.status, r.options FROM digest_deliveries d JOIN digest_runs r ON r.id = d.run_id WHERE d.subscriber_id = ${param(d, 1)} AND d.period = ${param(d, 2)} AND d.resend = 0`,
      [subscriberId, period],
    );
  }

  /** recordDigest as a write step, committed together with the other records of a sent digest. */
  *recordDigestSteps(id: number, at: Date): WriteSteps<void> {
    const d = dialectOf({ connection: this.dataSource });
    yield {
      sql: `UPDATE subscribers SET last_digest_at = ${param(d, 1)} WHERE id = ${param(d, 2)} AND (last_digest_at IS NULL OR last_digest_at < ${param(d, 1)})`,
      params: d === 'postgres' ? [sqlTimestamp(d, at), id] : [sqlTimestamp(d, at), id, sqlTimestamp(d, at)],
    };
  }

  async isSuppressed(email: string): Promise<boolean> {
    return (await this.suppressions.countBy({ emailHash: suppressionHash(email) })) > 0;
  }

  async suppress(email: string, reason: string, now = new Date()): Promise<void> {
    await this.suppressions.upsert({ emailHash: suppressionHash(email), reason, createdAt: now }, ['emailHash']);
  }
}
