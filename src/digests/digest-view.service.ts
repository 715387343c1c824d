import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { InvalidInputError, NotFoundError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { normalizeEmail } from '../subscribers/email-address.js';
import { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberLinks } from '../subscribers/subscriber-links.service.js';
import { TopicsService } from '../topics/topics.service.js';
import { CandidateLoader } from './candidate.loader.js';
import { DigestDelivery } from './digest-delivery.entity.js';
import { DigestRenderer, type RenderedDigest } from './digest.renderer.js';
import { CandidatePool } from './digest.selection.js';
import { windowStartFor } from './digest-period.js';
import { DigestLedger } from './digest-ledger.repository.js';
import { coverageOf, selectDigest } from './catch-up.js';
import { DigestUpdates } from './digest-updates.js';

/** One paper of a preview: `section` is `new`, `away` (a catch-up) or `updated` (updated since we sent it). */
export interface PreviewItem {
  id: number;
  title: string;
  section: string;
  changes?: string[];
}

const GONE = 'This digest link does not work: it may have expired, or the digest no longer exists.';

/** Digests outside the mailbox: a sent one in the browser, and the one a subscriber would get now. */
@Injectable()
export class DigestViewService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly links: SubscriberLinks,
    private readonly loader: CandidateLoader,
    private readonly renderer: DigestRenderer,
    private readonly topics: TopicsService,
    private readonly ledger: DigestLedger,
    private readonly updates: DigestUpdates,
  ) {}

  /** `GET /digests/:id/:token`: every paper the digest matched (not only the emailed ones). */
  async sent(id: string, token: string): Promise<string> {
    const claims = this.links.read(token, 'digest');
    if (!claims || claims.ref !== id || !/^\d{1,12}$/.test(id)) throw new NotFoundError(GONE);
    const delivery = await this.dataSource.getRepository(DigestDelivery).findOneBy({ id: Number(id) });
    const subscriber = delivery && (await this.dataSource.getRepository(Subscriber).findOneBy({ id: delivery.subscriberId }));
    if (!delivery || !subscriber || delivery.subscriberId !== claims.subscriberId || !this.links.verify(token, subscriber)) throw new NotFoundError(GONE);
    const papers = await this.loader.byIds(delivery.paperIds ?? []);
    const pool = new CandidatePool(papers);
    const selection = pool.select({ topics: subscriber.topics, keywords: subscriber.keywords, windowStart: new Date(0), windowEnd: new Date(8.64e15), max: papers.length });
    // Papers whose topic the reader has since dropped still belong to the digest as sent.
    const shown = new Set(selection.papers.map((p) => p.paper.id));
    const rest = papers.filter((p) => !shown.has(p.id)).map((paper) => ({ paper, rank: 0, reasons: [] }));
    const ctx = { topicNames: await this.topicNames(), now: delivery.sentAt ?? delivery.createdAt };
    return this.renderer.render(subscriber, { papers: [...selection.papers, ...rest], total: selection.papers.length + rest.length }, delivery.id, ctx).html;
  }

  /** The digest this subscriber would get now, rendered, nothing sent or recorded. */
  async preview(email: string, now = new Date()): Promise<RenderedDigest & { papers: number; total: number; items: PreviewItem[] }> {
    const check = normalizeEmail(email);
    const s = check.ok ? await this.dataSource.getRepository(Subscriber).findOneBy({ email: check.email }) : null;
    if (!s) throw new InvalidInputError(`no subscriber with the address "${email}"`);
    const windowStart = windowStartFor(s.frequency, (await this.ledger.lastWindowEnds([s.id])).get(s.id), now);
    const pool = await this.loader.load(windowStart, now);
    const { selection, catchUp } = selectDigest(pool, { topics: s.topics, keywords: s.keywords, windowStart, windowEnd: now, max: this.config.digest.maxPapers }, s.frequency);
    const extras = { catchUp, updates: selection.total ? await this.updates.pending(s.id) : [], coverage: coverageOf(pool, windowStart, now) };
    const rendered = this.renderer.render(s, selection, null, { topicNames: await this.topicNames(), now }, extras);
    const items: PreviewItem[] = [
      ...selection.papers.map((p) => ({ id: p.paper.id, title: p.paper.title, section: catchUp ? 'away' : 'new' })),
      ...extras.updates.map((u) => ({ id: u.paperId, title: u.title, section: 'updated', changes: u.changes })),
    ];
    return { ...rendered, papers: selection.papers.length, total: selection.total, items };
  }

  private async topicNames(): Promise<Map<string, string>> {
    return new Map((await this.topics.list()).map((t) => [t.slug, t.name]));
  }
}
