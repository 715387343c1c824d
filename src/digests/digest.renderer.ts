import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { httpUrl } from '../common/http-url.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MailTemplates } from '../mail/mail.templates.js';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberLinks } from '../subscribers/subscriber-links.service.js';
import type { Selection, SelectedPaper } from './digest.selection.js';
import { catchUpHeadline, extrasData, type DigestExtras } from './digest-extras.view.js';

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
  unsubscribeUrl: string;
}

export interface DigestContext {
  /** Topic slug → name, loaded once per run. */
  topicNames: Map<string, string>;
  now: Date;
}

const SUMMARY_CHARS = 320;

/** Turns a subscriber's selection into the "trending papers" email (templates/digest.*). */
@Injectable()
export class DigestRenderer {
  private readonly appHost: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly templates: MailTemplates,
    private readonly links: SubscriberLinks,
  ) {
    this.appHost = new URL(config.publicUrl).host;
  }

  /** `deliveryId` is null for a preview: the web-view link then points at the preferences page. */
  render(s: Subscriber, selection: Selection, deliveryId: number | null, ctx: DigestContext, extras: DigestExtras = {}): RenderedDigest {
    const unsubscribeUrl = this.links.unsubscribeUrl(s);
    const preferencesUrl = this.links.preferencesUrl(s);
    const shown = selection.papers.length;
    const dateLabel = DateTime.fromJSDate(ctx.now, { zone: s.timezone }).toFormat('cccc, d LLLL yyyy');
    const headline = extras.catchUp ? catchUpHeadline(extras.catchUp) : `${selection.total} new trending ${selection.total === 1 ? 'paper' : 'papers'} for you`;
    const data = {
      subject: headline,
      headline,
      preview: selection.papers.map((p) => p.paper.title).slice(0, 3).join(' · '),
      dateLabel: s.frequency === 'weekly' ? `Week of ${dateLabel}` : dateLabel,
      papers: selection.papers.map((p, i) => paperData(p, i + 1, ctx.topicNames)),
      total: selection.total,
      moreCount: selection.total - shown,
      webUrl: deliveryId === null ? preferencesUrl : this.links.digestUrl(s, deliveryId),
      appUrl: this.config.publicUrl,
      appHost: this.appHost,
      email: s.email,
      preferencesUrl,
      unsubscribeUrl,
      ...extrasData(extras),
    };
    const { html, text } = this.templates.render('digest', data);
    const top = selection.papers[0]?.paper.title ?? '';
    const subject = shown > 1 ? `${top} and ${selection.total - 1} more` : top;
    return { subject: `Paperboy: ${subject}`, html, text, unsubscribeUrl };
  }
}

function paperData(p: SelectedPaper, index: number, names: Map<string, string>) {
  return {
    index,
    title: p.paper.title,
    url: httpUrl(p.paper.url),
    authors: shortAuthors(p.paper.authors),
    upvotes: p.paper.upvotes || null,
    codeUrl: httpUrl(p.paper.codeUrl),
    summary: p.paper.aiSummary ?? shorten(p.paper.abstract ?? '', SUMMARY_CHARS),
    reasons: p.reasons.map((r) => ({
      label: r.slug ? (names.get(r.slug) ?? r.slug) : 'your keywords',
      matched: r.matched.slice(0, 4).join(', '),
    })),
  };
}

/** "A, B and C" up to three names, else "A, B, C et al." */
export function shortAuthors(authors: string[]): string {
  if (authors.length <= 3) return authors.length === 3 ? `${authors[0]}, ${authors[1]} and ${authors[2]}` : authors.join(' and ');
  return `${authors.slice(0, 3).join(', ')} et al.`;
}

/** Cut at a word boundary, so a summary never ends mid-word. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 40)).replace(/[\s,;:.]+$/, '') + '…';
}
