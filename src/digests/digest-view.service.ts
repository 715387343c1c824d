import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SubscriberRepository } from '../subscribers/subscriber.repository.js';
import { FeedbackRepository } from '../feedback/feedback.repository.js';
import { SubscriberLinks } from '../subscribers/subscriber-links.service.js';
import { TopicsService } from '../topics/topics.service.js';
import { CandidateLoader } from './candidate.loader.js';
import { DigestRunRepository } from './digest-run.repository.js';
import { DigestRenderer, type DigestModel, type RenderedDigest } from './digest.renderer.js';
import { sectionId } from './digest.sections.js';
import { CandidatePool, type Selection, type SelectionRequest } from './digest.selection.js';
import { windowStartFor, type Frequency } from './digest-period.js';
import { BoundedSelection } from './bounded-selection.js';
import { DigestLedger } from './digest-ledger.repository.js';
import { coverageOf, selectDigest } from './catch-up.js';
import { DigestUpdates, type PaperUpdate } from './digest-updates.js';

/** One paper of a preview: `section` is `new`, `away` (a catch-up) or `updated` (updated since we sent it). */
export interface PreviewItem {
  id: number;
  title: string;
  section: string;
  changes?: string[];
}

const GONE = 'This digest link does not work: it may have expired, or the digest no longer exists. The newest digest in your mailbox has a working link.';

/** One paper of a preview, as `paperboy preview --json` prints it. */
export interface PreviewPaper {
  id: number;
  arxivId: string | null;
  title: string;
  score: number;
  section: { kind: string; key: string; label: string };
  reasons: { kind: string; label: string; words: string[] }[];
  feedback: { more: string | null; less: string | null };
}

export interface Preview extends RenderedDigest {
  email: string;
  total: number;
  /** Papers in the email (DIGEST_MAX_PAPERS at most). */
  shown: number;
  /** Up to `limit` papers, best first within their sections, then the updates of papers sent before. */
  papers: PreviewPaper[];
  /** Every paper of the email with its place: `new`, `away` (a catch-up) or `updated`. */
  items: PreviewItem[];
}

/** The web view of a sent digest: every paper it matched, by section, optionally filtered. */
export interface DigestPage extends DigestModel {
  filter: { section: string; q: string };
  sectionOptions: { id: string; label: string; selected: boolean }[];
  matching: number;
}

/** Digests outside the mailbox: a sent one in the browser, and the one a subscriber would get now. */
@Injectable()
export class DigestViewService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: DigestRunRepository,
    private readonly links: SubscriberLinks,
    private readonly loader: CandidateLoader,
    private readonly renderer: DigestRenderer,
    private readonly topics: TopicsService,
    private readonly ledger: DigestLedger,
    private readonly updates: DigestUpdates,
    private readonly subscribers: SubscriberRepository,
    private readonly feedback: FeedbackRepository,
    private readonly bounded: BoundedSelection,
  ) {}

  /** `GET /digests/:id/:token`: every paper the digest matched (not only the emailed ones), by section. */
  async sent(id: string, token: string, filter: { section?: string; q?: string } = {}): Promise<DigestPage> {
    const claims = this.links.read(token, 'digest');
    if (!claims || claims.ref !== id || !/^\d{1,12}$/.test(id)) throw new NotFoundError(GONE);
    const delivery = await this.runs.delivery(Number(id));
    const subscriber = delivery && (await this.subscribers.findById(delivery.subscriberId));
    if (!delivery || !subscriber || delivery.subscriberId !== claims.subscriberId || !this.links.verify(token, subscriber)) throw new NotFoundError(GONE);
    const papers = await this.loader.byIds(delivery.paperIds ?? []);
    const topicNames = await this.topicNames();
    const all = new CandidatePool(papers).selectAll({
      topics: subscriber.topics,
      keywords: subscriber.keywords,
      windowStart: new Date(0),
      windowEnd: new Date(8.64e15),
      topicNames,
    });
    // Papers whose topic the reader has since dropped still belong to the digest as sent.
    const shown = new Set(all.papers.map((p) => p.paper.id));
    const earlier = { kind: 'topic' as const, key: '', label: 'Earlier interests' }; // no key: nothing to mute
    const rest = papers.filter((p) => !shown.has(p.id)).map((paper) => ({ paper, rank: 0, section: earlier, reasons: [] }));
    const selection: Selection = { papers: [...all.papers, ...rest], total: all.papers.length + rest.length };
    const model = this.renderer.model(subscriber, selection, delivery.id, { topicNames, now: delivery.sentAt ?? delivery.createdAt });
    return this.filtered(model, filter);
  }

  /** The digest this subscriber would get now, rendered, nothing sent or recorded. */
  async preview(email: string, options: { limit?: number; now?: Date } = {}): Promise<Preview> {
    const now = options.now ?? new Date();
    const s = await this.subscribers.getByAddress(email);
    const windowStart = windowStartFor(s.frequency, (await this.ledger.lastWindowEnds([s.id])).get(s.id), now);
    const topicNames = await this.topicNames();
    const request = { topics: s.topics, keywords: s.keywords, windowStart, windowEnd: now, topicNames, profile: await this.feedback.profileOf(s) };
    const { selection, catchUp, listed, coverage } = await this.choose(request, s.frequency, options.limit ?? this.config.digest.maxPapers);
    const extras = { catchUp, updates: selection.total ? await this.updates.pending(s.id) : [], coverage };
    const rendered = this.renderer.render(s, selection, null, { topicNames, now }, extras);
    const items: PreviewItem[] = [
      ...selection.papers.map((p) => ({ id: p.paper.id, title: p.paper.title, section: catchUp ? 'away' : 'new' })),
      ...extras.updates.map((u) => ({ id: u.paperId, title: u.title, section: 'updated', changes: u.changes })),
    ];
    const vote = (id: number) => ({ more: this.links.feedbackUrl(s, id, 'more'), less: this.links.feedbackUrl(s, id, 'less') });
    const papers = [...listed.papers.map((p) => previewPaper(p, vote(p.paper.id))), ...extras.updates.map((u) => updatePaper(u, vote(u.paperId)))];
    return { ...rendered, email: s.email, total: selection.total, shown: selection.papers.length, papers, items };
  }

  /** The digest's selection, and the first `limit` papers of it: without loading the window where the reader's interests allow (BoundedSelection). */
  private async choose(request: Omit<SelectionRequest, 'max'>, frequency: Frequency, limit: number) {
    const max = this.config.digest.maxPapers;
    if (this.bounded.applies(request)) {
      const { selection, catchUp } = await this.bounded.selectDigest({ ...request, max }, frequency);
      const listed = limit === max || catchUp ? selection : await this.bounded.select({ ...request, max: limit });
      return { selection, catchUp, listed, coverage: await this.bounded.coverage(request.windowStart, request.windowEnd) };
    }
    const pool = await this.loader.load(request.windowStart, request.windowEnd);
    const { selection, catchUp } = selectDigest(pool, { ...request, max }, frequency);
    const listed = limit === max || catchUp ? selection : pool.select({ ...request, max: limit });
    return { selection, catchUp, listed, coverage: coverageOf(pool, request.windowStart, request.windowEnd) };
  }

  private filtered(model: DigestModel, filter: { section?: string; q?: string }): DigestPage {
    const section = (filter.section ?? '').slice(0, 200);
    const q = (filter.q ?? '').trim().slice(0, 100);
    const needle = q.toLowerCase();
    const sections = model.sections
      .filter((x) => !section || sectionId(x) === section)
      .map((x) => ({
        ...x,
        more: 0,
        papers: needle ? x.papers.filter((p) => `${p.title} ${p.authors} ${p.summary}`.toLowerCase().includes(needle)) : x.papers,
      }))
      .filter((x) => x.papers.length > 0);
    const sectionOptions = model.sections.map((x) => ({ id: sectionId(x), label: `${x.label} (${x.papers.length})`, selected: sectionId(x) === section }));
    return { ...model, sections, filter: { section, q }, sectionOptions, matching: sections.reduce((n, x) => n + x.papers.length, 0) };
  }

  private async topicNames(): Promise<Map<string, string>> {
    return new Map((await this.topics.list()).map((t) => [t.slug, t.name]));
  }
}

function previewPaper(p: Selection['papers'][number], feedback: PreviewPaper['feedback']): PreviewPaper {
  return {
    id: p.paper.id,
    arxivId: p.paper.arxivId,
    title: p.paper.title,
    score: p.rank,
    section: p.section,
    reasons: p.reasons.map((r) => ({ kind: r.kind, label: r.note ?? r.label, words: r.words })),
    feedback,
  };
}

/** A paper sent before that changed since: listed in the `updated` section, its changes as the reason. */
function updatePaper(u: PaperUpdate, feedback: PreviewPaper['feedback']): PreviewPaper {
  const section = { kind: 'update', key: 'updated', label: 'Updated since we sent it' };
  return {
    id: u.paperId,
    arxivId: null,
    title: u.title,
    score: 0,
    section,
    reasons: [{ kind: 'update', label: section.label, words: u.changes }],
    feedback,
  };
}

/** `paperboy preview --json` and `GET /api/admin/preview?format=json`: the same shape. */
export function previewJson(p: Preview) {
  return { email: p.email, subject: p.subject, total: p.total, shown: p.shown, papers: p.papers, items: p.items, html: p.html, text: p.text };
}
