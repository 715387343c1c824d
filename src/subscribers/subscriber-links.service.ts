import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Signer } from '../common/signing.js';

/**
 * Links in emails carry stateless, signed tokens, so building the links of 100,000 digests needs
 * no database write and no lookup beyond the subscriber row the sender already holds.
 *
 *   token = base64url("<subscriberId>.<purpose>.<issuedAt>.<expiresAt>[.<ref>]") "." base64url(mac)
 *   mac   = the `link` MAC of (payload, subscriber.linkKey) under SECRET_KEY (src/common/signing.ts); links
 *           issued before that scheme, HMAC-SHA256(SECRET_KEY, "paperboy-link-v1\n" + payload + "\n" + linkKey),
 *           still verify.
 *
 * - Unguessable: forging one means forging a 256-bit HMAC under SECRET_KEY.
 * - Purpose-bound: a confirm token is not a preferences token (the purpose is signed).
 * - Expiring: times are signed, in milliseconds since the epoch (base 36).
 * - Revocable: `linkKey` is random per subscriber; a deleted row (or a rotated key) kills every link,
 *   and a new row for the same address never accepts the old row's links.
 * - Compared in constant time (the signing module's sameBytes on equal-length MACs).
 */
export const LINK_PURPOSES = ['confirm', 'preferences', 'unsubscribe', 'digest', 'mute', 'feed', 'feedback'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

const DAY = 24 * 3600;
/** Default lifetimes in seconds. Unsubscribe links outlive any digest a person may still have in their mailbox. */
export const LINK_TTL_SECONDS: Record<LinkPurpose, number> = {
  confirm: 2 * DAY,
  preferences: 90 * DAY,
  unsubscribe: 400 * DAY,
  digest: 180 * DAY,
  mute: 400 * DAY,
  // A feed reader keeps the URL for years and cannot be sent a new one: revoked by the link key, not by age.
  feed: 10 * 365 * DAY,
  // A vote link is as old as the digest holding it; voting on a year-old digest still says something.
  feedback: 400 * DAY,
};

const CODE: Record<LinkPurpose, string> = { confirm: 'c', preferences: 'p', unsubscribe: 'u', digest: 'd', mute: 'm', feed: 'f', feedback: 'v' };
const PURPOSE_OF: Record<string, LinkPurpose> = { c: 'confirm', p: 'preferences', u: 'unsubscribe', d: 'digest', m: 'mute', f: 'feed', v: 'feedback' };
const TOKEN = /^[A-Za-z0-9_-]{8,200}\.[A-Za-z0-9_-]{43}$/;
const REF = /^[A-Za-z0-9_-]{1,64}$/;

/** What a token is signed for: the subscriber row's id and its link key. */
export interface LinkSubject {
  id: number;
  linkKey: string;
}

export interface LinkClaims {
  subscriberId: number;
  purpose: LinkPurpose;
  issuedAt: Date;
  expiresAt: Date;
  /** Optional signed reference, e.g. a digest id for a web-view link. */
  ref: string | null;
}

export interface TokenOptions {
  now?: Date;
  ttlSeconds?: number;
  ref?: string;
}

@Injectable()
export class SubscriberLinks {
  private readonly signer: Signer;
  private readonly base: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.signer = new Signer(config.secretKey);
    this.base = config.publicUrl.replace(/\/+$/, '');
  }

  /** A fresh random link key for a new subscriber row. */
  static newLinkKey(): string {
    return randomBytes(18).toString('base64url');
  }

  token(subject: LinkSubject, purpose: LinkPurpose, options: TokenOptions = {}): string {
    if (options.ref !== undefined && !REF.test(options.ref)) throw new Error(`link ref must match ${REF}`);
    const issued = (options.now ?? new Date()).getTime();
    const expires = issued + (options.ttlSeconds ?? LINK_TTL_SECONDS[purpose]) * 1000;
    const fields = [String(subject.id), CODE[purpose], issued.toString(36), expires.toString(36)];
    if (options.ref !== undefined) fields.push(options.ref);
    const payload = fields.join('.');
    return `${Buffer.from(payload).toString('base64url')}.${this.signer.mac('link', payload, subject.linkKey).toString('base64url')}`;
  }

  /**
   * Reads a token's claims when it is well-formed, of the expected purpose and not expired; null
   * otherwise. The signature is checked by `verify` once the subscriber row (and key) is loaded.
   */
  read(token: string, purpose: LinkPurpose, now = new Date()): LinkClaims | null {
    if (typeof token !== 'string' || !TOKEN.test(token)) return null;
    const fields = Buffer.from(token.slice(0, token.indexOf('.')), 'base64url')
      .toString('utf8')
      .split('.');
    if (fields.length < 4 || fields.length > 5) return null;
    const [id, code, issued, expires, ref] = fields;
    if (!/^[1-9]\d{0,15}$/.test(id) || PURPOSE_OF[code] !== purpose) return null;
    if (!/^[0-9a-z]{1,12}$/.test(issued) || !/^[0-9a-z]{1,12}$/.test(expires)) return null;
    const claims: LinkClaims = {
      subscriberId: Number(id),
      purpose,
      issuedAt: new Date(parseInt(issued, 36)),
      expiresAt: new Date(parseInt(expires, 36)),
      ref: ref ?? null,
    };
    return claims.expiresAt.getTime() > now.getTime() ? claims : null;
  }

  /** True when the token's MAC is the one this subscriber's key gives; constant time. */
  verify(token: string, subject: LinkSubject): boolean {
    const dot = token.indexOf('.');
    const payload = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8');
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    return this.signer.verify('link', given, payload, subject.linkKey);
  }

  confirmUrl(s: LinkSubject, options?: TokenOptions): string {
    return `${this.base}/confirm/${this.token(s, 'confirm', options)}`;
  }

  preferencesUrl(s: LinkSubject, options?: TokenOptions): string {
    return `${this.base}/preferences/${this.token(s, 'preferences', options)}`;
  }

  /** The RFC 8058 one-click target, also the visible "unsubscribe" link (GET shows a one-button page). */
  unsubscribeUrl(s: LinkSubject, options?: TokenOptions): string {
    return `${this.base}/unsubscribe/${this.token(s, 'unsubscribe', options)}`;
  }

  /** `/digests/:id/:token`, the web view of one sent digest; the digest id is signed into the token. */
  digestUrl(s: LinkSubject, digestId: string | number, options: Omit<TokenOptions, 'ref'> = {}): string {
    const ref = String(digestId);
    return `${this.base}/digests/${encodeURIComponent(ref)}/${this.token(s, 'digest', { ...options, ref })}`;
  }

  /** `/mute/:token`, "mute this section" of a digest; the section (`t-slug`, `k-hash`) is signed into the token. */
  muteUrl(s: LinkSubject, sectionRef: string, options: Omit<TokenOptions, 'ref'> = {}): string {
    return `${this.base}/mute/${this.token(s, 'mute', { ...options, ref: sectionRef })}`;
  }

  /** `/feedback/:token`, "more like this" (`m<paperId>`) or "less like this" (`l<paperId>`): paper and vote are signed into the token. */
  feedbackUrl(s: LinkSubject, paperId: number, vote: 'more' | 'less', options: Omit<TokenOptions, 'ref'> = {}): string {
    return `${this.base}/feedback/${this.token(s, 'feedback', { ...options, ref: `${vote === 'more' ? 'm' : 'l'}${paperId}` })}`;
  }

  /** `/feeds/:token.atom` (or `.json`), the reader's personal feed of what their digests held. */
  feedUrl(s: LinkSubject, format: 'atom' | 'json' = 'atom', options?: TokenOptions): string {
    return `${this.base}/feeds/${this.token(s, 'feed', options)}.${format}`;
  }
}
