import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../common/handlebars.js';
import { PieceText } from '../mail/mail-parts.types.js';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import type { SubscriberLinks } from '../subscribers/subscriber-links.service.js';
import type { Selection } from './digest.selection.js';

/** The per-reader values of a digest: their address and their signed links. */
export interface DigestLinks {
  email(): string;
  unsubscribe(): string;
  preferences(): string;
  /** The web view of this delivery. */
  web(): string;
  feedback(paperId: number, vote: 'more' | 'less'): string;
  mute(sectionRef: string): string;
}

export function directLinks(links: SubscriberLinks, s: Subscriber, deliveryId: number | null): DigestLinks {
  return {
    email: () => s.email,
    unsubscribe: () => links.unsubscribeUrl(s),
    preferences: () => links.preferencesUrl(s),
    web: () => links.digestUrl(s, deliveryId!),
    feedback: (paperId, vote) => links.feedbackUrl(s, paperId, vote),
    mute: (ref) => links.muteUrl(s, ref),
  };
}

type Recipe = (s: Subscriber, deliveryId: number) => string;

/** Stand-ins for the per-reader values while the shared part is rendered, each with how to make the real one. */
export class Holes {
  readonly recipes: Recipe[] = [];
  unsubscribe = -1;

  constructor(readonly mark: string) {}

  /** An http(s) URL (the templates' safeUrl keeps it), unchanged by HTML escaping, tidying and minifying. */
  hole(recipe: Recipe): string {
    this.recipes.push(recipe);
    return `https://${this.mark}x${this.recipes.length - 1}q`;
  }
}

export function holeLinks(holes: Holes, links: SubscriberLinks): DigestLinks {
  return {
    email: () => holes.hole((s) => s.email),
    unsubscribe: () => {
      const url = holes.hole((s) => links.unsubscribeUrl(s));
      holes.unsubscribe = holes.recipes.length - 1;
      return url;
    },
    preferences: () => holes.hole((s) => links.preferencesUrl(s)),
    web: () => holes.hole((s, id) => links.digestUrl(s, id)),
    feedback: (paperId, vote) => holes.hole((s) => links.feedbackUrl(s, paperId, vote)),
    mute: (ref) => holes.hole((s) => links.muteUrl(s, ref)),
  };
}

export interface Composed {
  subject: string;
  html: string;
  text: string;
}

/** A digest rendered once, split at its holes: filling it for a reader is a join, not a template run. */
export class Skeleton {
  private readonly html: string[];
  private readonly text: string[];

  constructor(
    private readonly subject: string,
    html: string,
    text: string,
    private readonly holes: Holes,
  ) {
    const at = new RegExp(`https://${holes.mark}x(\\d+)q`, 'g');
    // split() with a capturing group alternates text and hole numbers: even indexes are text.
    this.html = html.split(at);
    this.text = text.split(at);
  }

  /** The reader's message: its parts in pieces, the skeleton's shared ones and the reader's values (mail/mail-parts.types.ts). */
  fill(s: Subscriber, deliveryId: number): { subject: string; html: PieceText; text: PieceText; unsubscribeUrl: string } {
    const values = this.holes.recipes.map((make) => make(s, deliveryId));
    return {
      subject: this.subject,
      html: pieces(this.html, (i) => escapeHtml(values[i])),
      text: pieces(this.text, (i) => values[i]),
      unsubscribeUrl: values[this.holes.unsubscribe],
    };
  }
}

/** The split skeleton with each hole's number replaced by its value; the array itself names the shared pieces. */
function pieces(parts: string[], value: (hole: number) => string): PieceText {
  return new PieceText(
    parts.map((part, i) => (i % 2 === 0 ? part : value(Number(part)))),
    parts,
  );
}

const KEPT_PER_SELECTION = 16;

/** Skeletons by selection (shared between readers of one interest profile) and the rest of what a digest depends on. */
export class SkeletonCache {
  private readonly mark = `p${randomBytes(8).toString('hex')}`;
  private readonly bySelection = new WeakMap<Selection, Map<string, Skeleton>>();

  get(selection: Selection, key: string, render: (holes: Holes) => Composed): Skeleton {
    let forSelection = this.bySelection.get(selection);
    if (!forSelection) this.bySelection.set(selection, (forSelection = new Map()));
    let skeleton = forSelection.get(key);
    if (!skeleton) {
      // Readers with their own extras (updates of papers they had) share no skeleton: keep memory bounded.
      if (forSelection.size >= KEPT_PER_SELECTION) forSelection.clear();
      const holes = new Holes(this.mark);
      const { subject, html, text } = render(holes);
      if (holes.unsubscribe < 0) throw new Error('a digest without an unsubscribe link');
      forSelection.set(key, (skeleton = new Skeleton(subject, html, text, holes)));
    }
    return skeleton;
  }
}
