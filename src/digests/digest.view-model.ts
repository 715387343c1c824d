import { DateTime } from 'luxon';
import type { Section } from './digest.sections.js';
import type { Reason, SelectedPaper } from './digest.selection.js';

/**
 * What the digest templates (email, plain text, web view) show of a paper and a section. The
 * same model feeds all three, so they carry the same links and the same reasons.
 */

const SUMMARY_CHARS = 260;

export interface PaperLink {
  label: string;
  url: string;
}

export interface PaperModel {
  index: number;
  id: number;
  title: string;
  url: string;
  authors: string;
  date: string | null;
  upvotes: number | null;
  summary: string;
  links: PaperLink[];
  why: string;
  /** "More like this" / "less like this" (`/feedback/:token`), set by the renderer, which signs them. */
  moreUrl?: string;
  lessUrl?: string;
}

export interface SectionModel {
  kind: Section['kind'];
  key: string;
  label: string;
  kindLabel: string;
  /** Anchor id of the section in the web view. */
  anchor: string;
  papers: PaperModel[];
  /** Papers of this section past the email's budget, shown in the web view. */
  more: number;
  muteUrl: string | null;
}

const KIND_LABEL: Record<Section['kind'], string> = {
  update: 'Updated since we sent it',
  keyword: 'Your keywords',
  author: 'An author you follow',
  topic: 'Your topic',
  similar: 'You might also like',
};

export function kindLabel(kind: Section['kind']): string {
  return KIND_LABEL[kind];
}

export function paperModel(p: SelectedPaper, index: number): PaperModel {
  return { index, ...sharedPartsOf(p.paper), why: whyLine(p.reasons) };
}

type SharedParts = Omit<PaperModel, 'index' | 'why'>;

/**
 * What every reader is shown of a paper, computed once per candidate (a run renders the same
 * candidates for thousands of readers: dates, summaries and links were a tenth of its render time).
 */
const shared = new WeakMap<SelectedPaper['paper'], SharedParts>();

function sharedPartsOf(paper: SelectedPaper['paper']): SharedParts {
  let parts = shared.get(paper);
  if (!parts) {
    parts = {
      id: paper.id,
      title: paper.title,
      url: paper.hfUrl ?? paper.arxivUrl ?? paper.url,
      authors: shortAuthors(paper.authors),
      date: dateLine(paper.trendingDate, paper.publishedAt),
      upvotes: paper.upvotes || null,
      summary: shorten(paper.aiSummary ?? paper.abstract ?? '', SUMMARY_CHARS),
      links: linksOf(paper),
    };
    shared.set(paper, parts);
  }
  return parts;
}

/** Every link we know for a paper, in the order a reader reaches for them. */
export function linksOf(paper: SelectedPaper['paper']): PaperLink[] {
  const links: PaperLink[] = [];
  const add = (label: string, url: string | null) => {
    if (url && /^https?:\/\//i.test(url) && !links.some((l) => l.url === url)) links.push({ label, url });
  };
  add('arXiv', paper.arxivUrl);
  add('PDF', paper.pdfUrl);
  add('Code', paper.codeUrl);
  add('Project page', paper.projectUrl);
  add('Hugging Face', paper.hfUrl);
  return links;
}

/** `your keywords "KV cache" (KV Cache); also Large language models (language model)`: what the reader asked for, then the paper's words. */
export function whyLine(reasons: readonly Reason[]): string {
  return reasons
    .slice(0, 3)
    .map(
      (r, i) =>
        `${i > 0 ? 'also ' : ''}${r.note ?? (r.kind === 'keyword' ? `your keywords "${r.label}"` : r.kind === 'author' ? `by ${r.label}, whom you follow` : r.label)}${r.words.length ? ` (${r.words.join(', ')})` : ''}`,
    )
    .join('; ');
}

function dateLine(trendingDate: string | null, publishedAt: Date | null): string | null {
  if (trendingDate) {
    const d = DateTime.fromISO(trendingDate, { zone: 'utc' });
    if (d.isValid) return `trending ${d.toFormat('d LLL yyyy')}`;
  }
  if (publishedAt) return `published ${DateTime.fromJSDate(publishedAt, { zone: 'utc' }).toFormat('d LLL yyyy')}`;
  return null;
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

/**
 * At most ~70 characters that say what is inside: "6 new papers: KV cache, Agents, +2 topics", or
 * for a single paper its title, shortened.
 */
export function subjectLine(total: number, sections: readonly { label: string }[], topTitle: string): string {
  if (total === 0) return 'No new papers';
  if (total === 1) return shorten(`New paper: ${topTitle}`, 70);
  const head = `${total} new papers: `;
  const labels = sections.map((s) => s.label);
  for (let n = labels.length; n > 0; n--) {
    const rest = labels.length - n;
    const tail = rest > 0 ? `, +${rest} ${rest === 1 ? 'topic' : 'topics'}` : '';
    const line = head + labels.slice(0, n).join(', ') + tail;
    if (line.length <= 70) return line;
  }
  return shorten(head + labels[0], 70);
}
