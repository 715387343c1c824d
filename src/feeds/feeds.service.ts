import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CandidateLoader } from '../digests/candidate.loader.js';
import { CandidatePool, type CandidatePaper, type Reason } from '../digests/digest.selection.js';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberLinks } from '../subscribers/subscriber-links.service.js';
import { SubscribersService } from '../subscribers/subscribers.service.js';
import { TopicsService } from '../topics/topics.service.js';
import { FeedRepository } from './feed.repository.js';
import { EPOCH, reasonText, shorten, stableId, type Feed, type FeedEntry } from './feed.model.js';

/** Entries per topic feed; a personal feed holds the papers of this many recent digests. */
const TOPIC_ENTRIES = 50;
const PERSONAL_DIGESTS = 10;
const PERSONAL_ENTRIES = 100;

export type FeedFormat = 'atom' | 'json';

/** The feeds: a topic's newest papers, and a reader's own digests as a feed. */
@Injectable()
export class FeedsService {
  private readonly base: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly feeds: FeedRepository,
    private readonly loader: CandidateLoader,
    private readonly topics: TopicsService,
    private readonly subscribers: SubscribersService,
    private readonly links: SubscriberLinks,
  ) {
    this.base = config.publicUrl;
  }

  async topicFeed(slug: string, format: FeedFormat): Promise<Feed> {
    const topics = await this.topics.list();
    const topic = topics.find((t) => t.slug === slug);
    if (!topic) throw new NotFoundError(`no topic "${slug.slice(0, 60)}"`);
    const names = new Map(topics.map((t) => [t.slug, t.name]));
    const papers = await this.loader.byIds(await this.feeds.topicPaperIds(slug, TOPIC_ENTRIES));
    const entries = papers.map((p) => this.entry(p, [{ label: topic.name, words: p.tags.get(slug)?.matched ?? [] }], new Date(p.availableAt), names));
    return this.feed(`topic:${slug}`, `Paperboy: ${topic.name}`, `New trending papers on ${topic.name}`, `/feeds/topics/${slug}.${format}`, entries);
  }

  /** What this reader's recent digests held, with the reasons they were picked; dead once the reader is deleted or their links revoked. */
  async personalFeed(token: string, format: FeedFormat): Promise<Feed> {
    const { subscriber } = await this.subscribers.resolve(token, 'feed');
    const sent = await this.feeds.sentDigests(subscriber.id, PERSONAL_DIGESTS);
    const when = new Map<number, { at: Date; digestId: number }>();
    for (const d of sent) for (const id of d.paperIds) if (!when.has(id)) when.set(id, { at: d.sentAt, digestId: d.id });
    const papers = await this.loader.byIds([...when.keys()].slice(0, PERSONAL_ENTRIES));
    const names = new Map((await this.topics.list()).map((t) => [t.slug, t.name]));
    const reasons = reasonsFor(subscriber, papers, names);
    const entries = papers.map((p) => {
      const w = when.get(p.id)!;
      // Issued as of the digest's sending (as in its email), not now: the body, so its ETag, stays the same between requests.
      return { ...this.entry(p, reasons.get(p.id) ?? [], w.at, names), digestUrl: this.links.digestUrl(subscriber, w.digestId, { now: w.at }) };
    });
    entries.sort((a, b) => b.updated.getTime() - a.updated.getTime());
    return this.feed(
      `reader:${subscriber.id}:${subscriber.linkKey}`,
      'Your Paperboy digests',
      `The papers Paperboy sent ${subscriber.email}`,
      `/feeds/${token}.${format}`,
      entries,
    );
  }

  private entry(p: CandidatePaper, reasons: Pick<Reason, 'label' | 'words'>[], updated: Date, names: Map<string, string>): FeedEntry {
    return {
      id: stableId(this.base, `paper:${p.id}`),
      title: p.title,
      url: p.url,
      codeUrl: p.codeUrl,
      authors: p.authors,
      summary: shorten(p.aiSummary || p.abstract),
      reasons: reasons.map((r) => reasonText(r.label, r.words)),
      categories: [...p.tags.keys()].map((slug) => ({ term: slug, label: names.get(slug) ?? slug })),
      updated,
    };
  }

  private feed(name: string, title: string, subtitle: string, path: string, entries: FeedEntry[]): Feed {
    const updated = entries.reduce((max, e) => (e.updated > max ? e.updated : max), EPOCH);
    return { id: stableId(this.base, name), title, subtitle, selfUrl: `${this.base}${path}`, homeUrl: `${this.base}/`, updated, entries };
  }
}

/** The digest's own reasons: the reader's topics and keywords run over these papers by the digest's selection. */
function reasonsFor(s: Subscriber, papers: CandidatePaper[], topicNames: Map<string, string>): Map<number, Reason[]> {
  const selection = new CandidatePool(papers).select({
    topics: s.topics,
    keywords: s.keywords,
    windowStart: new Date(-1),
    windowEnd: new Date(8.64e15),
    max: papers.length || 1,
    topicNames,
  });
  return new Map(selection.papers.map((p) => [p.paper.id, p.reasons]));
}
