import type { Feed, FeedEntry } from './feed.model.js';

/** Characters XML 1.0 forbids (a title scraped from a page can hold them) are dropped, the rest escaped. */
export function xmlText(value: string): string {
  return value
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function htmlOf(e: FeedEntry): string {
  const esc = xmlText; // the same escaping is right for HTML text and attributes
  const parts = [`<p><a href="${esc(e.url)}">${esc(e.title)}</a></p>`];
  if (e.authors.length) parts.push(`<p>${esc(shortAuthors(e.authors))}</p>`);
  if (e.summary) parts.push(`<p>${esc(e.summary)}</p>`);
  if (e.reasons.length) parts.push(`<p>Why: ${esc(e.reasons.join('; '))}</p>`);
  const links = [e.codeUrl ? `<a href="${esc(e.codeUrl)}">Code</a>` : '', e.digestUrl ? `<a href="${esc(e.digestUrl)}">The digest</a>` : ''].filter(Boolean);
  if (links.length) parts.push(`<p>${links.join(' · ')}</p>`);
  return parts.join('');
}

function shortAuthors(authors: string[]): string {
  return authors.length > 4 ? `${authors.slice(0, 3).join(', ')} et al.` : authors.join(', ');
}

/** Atom 1.0 (RFC 4287). Newest entry first. */
export function toAtom(feed: Feed): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlText(feed.id)}</id>`,
    `  <title>${xmlText(feed.title)}</title>`,
    `  <subtitle>${xmlText(feed.subtitle)}</subtitle>`,
    `  <updated>${feed.updated.toISOString()}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(feed.selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(feed.homeUrl)}"/>`,
    '  <author><name>Paperboy</name></author>',
    '  <generator>Paperboy</generator>',
  ];
  for (const e of feed.entries) lines.push(atomEntry(e));
  lines.push('</feed>', '');
  return lines.join('\n');
}

function atomEntry(e: FeedEntry): string {
  const out = [
    '  <entry>',
    `    <id>${xmlText(e.id)}</id>`,
    `    <title type="text">${xmlText(e.title)}</title>`,
    `    <link rel="alternate" type="text/html" href="${xmlText(e.url)}"/>`,
  ];
  if (e.codeUrl) out.push(`    <link rel="related" title="Code" href="${xmlText(e.codeUrl)}"/>`);
  if (e.digestUrl) out.push(`    <link rel="via" type="text/html" href="${xmlText(e.digestUrl)}"/>`);
  out.push(`    <updated>${e.updated.toISOString()}</updated>`);
  for (const a of e.authors.slice(0, 20)) out.push(`    <author><name>${xmlText(a)}</name></author>`);
  for (const c of e.categories) out.push(`    <category term="${xmlText(c.term)}" label="${xmlText(c.label)}"/>`);
  out.push(`    <summary type="text">${xmlText([e.summary, e.reasons.length ? `Why: ${e.reasons.join('; ')}` : ''].filter(Boolean).join(' — '))}</summary>`);
  out.push(`    <content type="html">${xmlText(htmlOf(e))}</content>`);
  out.push('  </entry>');
  return out.join('\n');
}

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1): the same entries. */
export function toJsonFeed(feed: Feed): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    description: feed.subtitle,
    home_page_url: feed.homeUrl,
    feed_url: feed.selfUrl,
    authors: [{ name: 'Paperboy' }],
    items: feed.entries.map((e) => ({
      id: e.id,
      url: e.url,
      title: e.title,
      content_html: htmlOf(e),
      summary: e.summary,
      date_modified: e.updated.toISOString(),
      date_published: e.updated.toISOString(),
      authors: e.authors.slice(0, 20).map((name) => ({ name })),
      tags: e.categories.map((c) => c.term),
      ...(e.codeUrl ? { external_url: e.codeUrl } : {}),
      _paperboy: { reasons: e.reasons, ...(e.digestUrl ? { digest_url: e.digestUrl } : {}) },
    })),
  });
}
