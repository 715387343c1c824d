import { createHash } from 'node:crypto';

/** One entry of a feed: a paper, why it is there, and when it got there. */
export interface FeedEntry {
  id: string;
  title: string;
  url: string;
  codeUrl: string | null;
  authors: string[];
  summary: string;
  /** "agents: tool use, planning" — the same reasons a digest gives. */
  reasons: string[];
  categories: { term: string; label: string }[];
  updated: Date;
  /** A link to the digest this entry came in, when it came in one. */
  digestUrl?: string;
}

export interface Feed {
  id: string;
  title: string;
  subtitle: string;
  selfUrl: string;
  homeUrl: string;
  /** Newest entry's time: what `updated` and `Last-Modified` say. */
  updated: Date;
  entries: FeedEntry[];
}

/**
 * A stable, globally unique entry or feed id: a name-based UUID (RFC 4122 version 5 layout over
 * SHA-1) of the instance's public URL and a local name, so ids survive restarts and re-renders and
 * two Paperboy instances never share one.
 */
export function stableId(base: string, name: string): string {
  const h = createHash('sha1').update(`${base}\n${name}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A feed with no entries still needs a stable `updated` (or its ETag would change every second). */
export const EPOCH = new Date(0);

export function reasonText(topicName: string | null, matched: string[]): string {
  const label = topicName ?? 'your keywords';
  return matched.length ? `${label}: ${matched.join(', ')}` : label;
}

/** A short abstract for a summary: first ~400 characters, cut at a word. */
export function shorten(text: string | null, max = 400): string {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 40))}…`;
}
