import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MailTemplates } from '../mail/mail.templates.js';
import type { PieceText } from '../mail/mail-parts.types.js';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberLinks } from '../subscribers/subscriber-links.service.js';
import { sectionId, sectionRef } from './digest.sections.js';
import type { Selection, SelectedPaper } from './digest.selection.js';
import { catchUpHeadline, extrasData, type DigestExtras } from './digest-extras.view.js';
import { directLinks, holeLinks, SkeletonCache, type DigestLinks } from './digest-skeleton.js';
import { kindLabel, paperModel, subjectLine, type SectionModel } from './digest.view-model.js';

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
  unsubscribeUrl: string;
}

/** A digest composed from a shared skeleton: its parts in pieces (mail/mail-parts.types.ts), the same text once joined. */
export interface SharedDigest extends Omit<RenderedDigest, 'html' | 'text'> {
  html: PieceText;
  text: PieceText;
}

export interface DigestContext {
  /** Topic slug → name, loaded once per run. */
  topicNames: Map<string, string>;
  now: Date;
}

/** The digest as sections of papers, ready for the email templates and the web view. */
export interface DigestModel {
  subject: string;
  headline: string;
  preheader: string;
  dateLabel: string;
  sections: SectionModel[];
  total: number;
  shown: number;
  moreCount: number;
  webUrl: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
  email: string;
  /** Updates of papers sent before, a catch-up after a gap, the coverage line (digest-extras.view.ts). */
  updates: ReturnType<typeof extrasData>['updates'];
  catchUp: ReturnType<typeof extrasData>['catchUp'];
  coverage: string | null;
}

/** Turns a subscriber's selection into the "trending papers" email (templates/digest.*). */
@Injectable()
export class DigestRenderer {
  private readonly appHost: string;
  private readonly skeletons = new SkeletonCache();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly templates: MailTemplates,
    private readonly links: SubscriberLinks,
  ) {
    this.appHost = new URL(config.publicUrl).host;
  }

  /** `deliveryId` is null for a preview: the web-view link then points at the preferences page. */
  render(s: Subscriber, selection: Selection, deliveryId: number | null, ctx: DigestContext, extras: DigestExtras = {}): RenderedDigest {
    const model = this.model(s, selection, deliveryId, ctx, extras);
    const data = { ...model, appUrl: this.config.publicUrl, appHost: this.appHost };
    const { html, text } = this.templates.render('digest', data);
    return { subject: model.subject, html: minify(html), text, unsubscribeUrl: model.unsubscribeUrl };
  }

  /**
   * The same digest as render(), composed once for every reader with the same selection, extras,
   * time zone and frequency (digest-skeleton.ts): only this reader's address and signed links are
   * put in per message. `selection` should be shared between such readers (profile-selection.ts).
   */
  renderShared(s: Subscriber, selection: Selection, deliveryId: number, ctx: DigestContext, extras: DigestExtras = {}): RenderedDigest {
    const digest = this.renderPieces(s, selection, deliveryId, ctx, extras);
    return { ...digest, html: digest.html.toString(), text: digest.text.toString() };
  }

  /** renderShared() with its parts in pieces, for the mail transport to encode the shared ones once (mail/mail-parts.types.ts). */
  renderPieces(s: Subscriber, selection: Selection, deliveryId: number, ctx: DigestContext, extras: DigestExtras = {}): SharedDigest {
    const key = JSON.stringify([s.timezone, s.frequency, ctx.now.getTime(), extras]);
    const skeleton = this.skeletons.get(selection, key, (holes) => {
      const model = this.modelWith(holeLinks(holes, this.links), s, selection, deliveryId, ctx, extras);
      const { html, text } = this.templates.render('digest', { ...model, appUrl: this.config.publicUrl, appHost: this.appHost });
      return { subject: model.subject, html: minify(html), text };
    });
    return skeleton.fill(s, deliveryId);
  }

  model(s: Subscriber, selection: Selection, deliveryId: number | null, ctx: DigestContext, extras: DigestExtras = {}): DigestModel {
    return this.modelWith(directLinks(this.links, s, deliveryId), s, selection, deliveryId, ctx, extras);
  }

  private modelWith(links: DigestLinks, s: Subscriber, selection: Selection, deliveryId: number | null, ctx: DigestContext, extras: DigestExtras): DigestModel {
    const unsubscribeUrl = links.unsubscribe();
    const preferencesUrl = links.preferences();
    const sections = this.sections(links, selection);
    const shown = selection.papers.length;
    const dateLabel = DateTime.fromJSDate(ctx.now, { zone: s.timezone }).toFormat('cccc, d LLLL yyyy');
    const headline = extras.catchUp ? catchUpHeadline(extras.catchUp) : `${selection.total} new ${selection.total === 1 ? 'paper' : 'papers'} for you`;
    return {
      subject: subjectLine(selection.total, sections, selection.papers[0]?.paper.title ?? ''),
      headline,
      preheader: sections.map((x) => `${x.label} (${x.papers.length + x.more})`).join(' · '),
      dateLabel: s.frequency === 'weekly' ? `Week of ${dateLabel}` : dateLabel,
      sections,
      total: selection.total,
      shown,
      moreCount: selection.total - shown,
      webUrl: deliveryId === null ? preferencesUrl : links.web(),
      preferencesUrl,
      unsubscribeUrl,
      email: links.email(),
      ...extrasData(extras),
    };
  }

  /** The selection's papers under their sections, numbered across the digest; sections keep their order. */
  private sections(links: DigestLinks, selection: Selection): SectionModel[] {
    const bySection = new Map<string, SelectedPaper[]>();
    for (const p of selection.papers) {
      const id = sectionId(p.section);
      bySection.set(id, [...(bySection.get(id) ?? []), p]);
    }
    const summaries = selection.sections ?? [...bySection.values()].map((ps) => ({ ...ps[0].section, shown: ps.length, total: ps.length }));
    let index = 0;
    return summaries
      .filter((x) => bySection.has(sectionId(x)))
      .map((x, i) => {
        const papers = bySection.get(sectionId(x))!.map((p) => ({
          ...paperModel(p, ++index),
          moreUrl: links.feedback(p.paper.id, 'more'),
          lessUrl: links.feedback(p.paper.id, 'less'),
        }));
        const ref = sectionRef(x);
        return {
          kind: x.kind,
          key: x.key,
          label: x.label,
          kindLabel: kindLabel(x.kind),
          anchor: `s${i + 1}`,
          papers,
          more: Math.max(0, x.total - papers.length),
          muteUrl: ref ? links.mute(ref) : null,
        };
      });
  }
}

/**
 * Gmail clips a message past 102 KB, cutting the footer with the unsubscribe link: indentation
 * and the whitespace between tags go. Text inside elements keeps its spaces (the templates never
 * rely on whitespace between two tags to separate words).
 */
export function minify(html: string): string {
  return html
    .replace(/\n[ \t]*/g, '\n')
    .replace(/>\s+</g, '><')
    .replace(/\n+/g, ' ')
    .trim();
}
