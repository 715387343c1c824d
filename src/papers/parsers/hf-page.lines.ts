import { findArxivId } from './arxiv-id.util.js';
import { monthNumber, normalizeWhitespace, splitAuthorList } from './text.util.js';

/** A date as a page shows it; the year is often missing (`Mar 11`). */
export interface PageDate {
  year: number | null;
  month: number;
  day: number;
}

/** What one line of a page capture is. */
export type PageLine =
  | { kind: 'blank'; line: number }
  | { kind: 'chrome'; line: number }
  | { kind: 'date'; line: number; date: PageDate }
  | { kind: 'title'; line: number; text: string; arxivId: string | null }
  | { kind: 'meta'; line: number; votes?: number; authors?: string[]; arxivId?: string | null; codeUrl?: string }
  | { kind: 'text'; line: number; text: string };

/** Page furniture of the HF papers page and of tools' captures of it, compared lowercased. */
const CHROME = new Set([
  'new',
  'get trending papers in your email inbox!',
  'subscribe',
  'byak and the research community',
  'by ak and the research community',
  'daily papers',
  'trending papers',
  'papers',
  'trending',
  'search',
  'submit',
  'submit paper',
  'sign up',
  'log in',
  'login',
  'previous',
  'next',
  'load more',
  'view all',
  'see all',
  'hugging face',
  'models',
  'datasets',
  'spaces',
  'docs',
  'pricing',
  'daily',
  'weekly',
  'monthly',
  'web source',
  'system theme',
  'company',
  'website',
  'resources',
  'enterprise',
  'community',
  'sign in',
  'menu',
]);

/** Lines a capture tool puts above the page: `URL Source: …`, `Captured: …`, `Markdown Content:`. */
const CAPTURE_HEADER = /^(?:url(?:\s+source)?|source|captured(?:\s+(?:at|on))?|published\s+time|markdown\s+content|snapshot|saved\s+from)\s*:/i;
/** Hugging Face pages other than a paper's own (`/papers/2403.01234`): navigation, not a title. */
const HF_NAV_URL = /^https?:\/\/(?:www\.)?(?:huggingface\.co|hf\.co)(?![^?#]*\/papers\/\d{4}\.\d{4,5})/i;
const LINK_ANYWHERE = /\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g;
const IMAGE_ANYWHERE = /!\[[^\]]*\]\((?:[^()]|\([^()]*\))*\)/g;

/** Headings inside a paper's section (`#### Abstract`): its text goes on belonging to that paper. */
const SECTION_HEADINGS = /^(?:abstract|summary|tl;?dr|authors?|links?|details|key (?:points|findings)|comments?|keywords?|ai summary)\s*:?$/i;

const WEEKDAY = String.raw`(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?`;
const MONTH_DAY = new RegExp(String.raw`^${WEEKDAY}([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$`, 'i');
const DAY_MONTH = new RegExp(String.raw`^${WEEKDAY}(\d{1,2})\s+([a-z]{3,9})\.?,?(?:\s+(\d{4}))?$`, 'i');
const ISO_IN_LINE = /(\d{4})-(\d{2})-(\d{2})/;

const VOTES = [
  /^([-–—]|\d[\d,]*(?:\.\d+)?k?)$/i,
  /^(?:▲|△|⬆|↑|👍|upvotes?|votes?|likes?)\s*:?\s*([-–—]|\d[\d,]*(?:\.\d+)?k?)$/i,
  /^(\d[\d,]*(?:\.\d+)?k?)\s+(?:upvotes?|votes?|likes?)$/i,
];
const AUTHORS = /^authors?\s*:\s*(.+)$/i;
/** Card details that carry nothing a paper needs: `· 5 authors`, comment counts, submitters, stars. */
const IGNORED_META = [
  /^[·|]/,
  /^\d+\s+(?:authors?|comments?)\b/i,
  /^(?:submitted|published|posted|added)\s+(?:by|on)\b/i,
  /^(?:github|stars?|★|⭐)\s*:?\s*[\d.,]+k?$/i,
  /^(?:paper page|view paper|pdf|code|project page|arxiv|abstract)$/i,
];
/** Labels of a paper's links (`[PDF](…)`, `[Code](…)`), as opposed to a title written as a link. */
const LINK_LABELS = /^(?:pdf|code|github|project(?: page)?|arxiv|abs|abstract|paper(?: page)?|page|website|demo|hf|hugging ?face|models?|datasets?|spaces?)$/i;
const IMAGE = /^!\[[^\]]*\]\(([^)]*)\)$/;
// A link target may hold balanced parentheses (`https://x/a_(b)`, `javascript:alert(1)`).
const LINK_LINE = /^\[([^\]]+)\](?:\(\s*<?((?:[^()\s<>]|\([^()\s]*\))+)>?(?:\s+[^)]*)?\)|\[([^\]]*)\])$/;
const LINK_REF_DEF = /^\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+["'(].*)?$/;
const URL_LINE = /^<?(https?:\/\/\S+?)>?$/;
const HEADING = /^#{1,6}\s+(.*?)(?:\s+#+)?$/;

/** Link reference definitions (`[1]: https://…`), which may sit anywhere in the capture. */
export function linkReferences(lines: string[]): Map<string, string> {
  const refs = new Map<string, string>();
  for (const raw of lines) {
    const m = LINK_REF_DEF.exec(raw.trim());
    if (m) refs.set(m[1].toLowerCase(), m[2]);
  }
  return refs;
}

export function classifyLine(raw: string, line: number, refs: Map<string, string>): PageLine {
  const t = unwrapEmphasis(raw.trim());
  if (t === '') return { kind: 'blank', line };
  if (LINK_REF_DEF.test(t) || isPageChrome(t)) return { kind: 'chrome', line };
  // A thumbnail, linked or not: its URL may name the paper (`…/papers/2403.05135.png`).
  if (isImageOnly(t)) return { kind: 'meta', line, arxivId: findArxivId(t) };
  const heading = HEADING.exec(t);
  if (heading) return classifyHeading(unwrapEmphasis(heading[1]), line, refs);
  return classifyPlain(t, line, refs);
}

/**
 * The page around the papers, as capture tools write it: their own header lines, navigation
 * (a bulleted link to Models, a row of footer links, "Previous 1 2 Next"), the logo and other
 * images, and the page's furniture even when written as a link (`[Subscribe](…)`).
 */
function isPageChrome(t: string): boolean {
  if (CAPTURE_HEADER.test(t)) return true;
  const plain = t
    .replace(/^(?:#{1,6}|[-*+•]|>)\s+/, '')
    .replace(IMAGE_ANYWHERE, '')
    .trim();
  if (isImageOnly(t)) return false;
  const links = [...plain.matchAll(LINK_ANYWHERE)];
  const rest = plain.replace(LINK_ANYWHERE, '');
  if (links.length >= 2 && /^[\s|·•,/–—-]*$/.test(rest)) return true;
  const link = LINK_LINE.exec(plain);
  if (link && (CHROME.has(link[1].trim().toLowerCase()) || HF_NAV_URL.test(link[2] ?? ''))) return true;
  return CHROME.has(inlineText(plain).toLowerCase());
}

function isImageOnly(t: string): boolean {
  const rest = t
    .replace(/^(?:[-*+•]|>)\s+/, '')
    .replace(IMAGE_ANYWHERE, '')
    .trim();
  return rest.length < t.trim().length && (rest === '' || /^\[\s*\]\((?:[^()]|\([^()]*\))*\)$/.test(rest));
}

function classifyHeading(text: string, line: number, refs: Map<string, string>): PageLine {
  const date = parsePageDate(text);
  if (date) return { kind: 'date', line, date };
  if (text === '' || CHROME.has(text.toLowerCase()) || SECTION_HEADINGS.test(text)) return { kind: 'chrome', line };
  const link = LINK_LINE.exec(text);
  if (link) return { kind: 'title', line, text: link[1], arxivId: linkTargetId(link, refs) };
  return { kind: 'title', line, text: inlineText(text), arxivId: findArxivId(text) };
}

function classifyPlain(t: string, line: number, refs: Map<string, string>): PageLine {
  if (CHROME.has(t.toLowerCase())) return { kind: 'chrome', line };
  // Meta first: `Published on 2024-03-11` is a detail of one paper, not a section date.
  const meta = classifyMeta(t, line, refs);
  if (meta) return meta;
  const date = parsePageDate(t);
  if (date) return { kind: 'date', line, date };
  const link = LINK_LINE.exec(t);
  if (link) return { kind: 'title', line, text: link[1], arxivId: linkTargetId(link, refs) };
  return { kind: 'text', line, text: inlineText(t.replace(/^(?:[-*+•]|>)\s+/, '').replace(/^abstract\s*:\s*/i, '')) };
}

function classifyMeta(t: string, line: number, refs: Map<string, string>): PageLine | null {
  for (const pattern of VOTES) {
    const m = pattern.exec(t);
    if (m) return { kind: 'meta', line, votes: parseVotes(m[1]) };
  }
  const authors = AUTHORS.exec(t);
  if (authors) return { kind: 'meta', line, authors: splitAuthorList(authors[1]).filter((a) => !/^(?:\+|…|\.\.\.|et al\.?)$/i.test(a)) };
  const url = IMAGE.exec(t)?.[1] ?? URL_LINE.exec(t)?.[1];
  if (url !== undefined) return urlMeta(url, line);
  const link = LINK_LINE.exec(t);
  if (link && LINK_LABELS.test(link[1].trim())) return urlMeta(link[2] ?? refs.get((link[3] || link[1]).toLowerCase()) ?? '', line);
  if (/^arxiv:\s*\S+$/i.test(t)) return { kind: 'meta', line, arxivId: findArxivId(t) };
  if (IGNORED_META.some((p) => p.test(t))) return { kind: 'meta', line };
  return null;
}

function urlMeta(url: string, line: number): PageLine {
  const codeUrl = /^https?:\/\/(?:www\.)?github\.com\/[^/\s]+\/[^/\s]+/i.exec(url)?.[0];
  return { kind: 'meta', line, arxivId: findArxivId(url), ...(codeUrl ? { codeUrl } : {}) };
}

function linkTargetId(link: RegExpExecArray, refs: Map<string, string>): string | null {
  const target = link[2] ?? refs.get((link[3] || link[1]).toLowerCase()) ?? '';
  return findArxivId(target);
}

/** `-` (the page's zero), `1,234`, `1.2k`. */
function parseVotes(text: string): number {
  if (/^[-–—]$/.test(text)) return 0;
  const value = parseFloat(text.replace(/,/g, ''));
  return Math.round(/k$/i.test(text) ? value * 1000 : value);
}

/** `**Title**` → `Title`. */
function unwrapEmphasis(text: string): string {
  const m = /^(\*\*|__|\*|_)(.+)\1$/.exec(text);
  return m ? m[2].trim() : text;
}

/** Markdown inline links and autolinks reduced to their text. */
function inlineText(text: string): string {
  return normalizeWhitespace(text.replace(/\[([^\]]+)\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])/g, '$1').replace(/<(https?:[^>]+)>/g, '$1'));
}

/** A line that is only a date: `Mar 11`, `March 11, 2024`, `11 Mar 2024`, `Daily Papers (2024-03-11)`. */
export function parsePageDate(text: string): PageDate | null {
  const t = text.trim();
  if (t.length > 60) return null;
  const iso = ISO_IN_LINE.exec(t);
  if (iso) {
    const rest = t
      .replace(iso[0], ' ')
      .replace(/[^\p{L}\s]/gu, ' ')
      .trim();
    return rest === '' || rest.split(/\s+/).length <= 4 ? { year: +iso[1], month: +iso[2], day: +iso[3] } : null;
  }
  const md = MONTH_DAY.exec(t);
  if (md) return namedDate(md[1], md[2], md[3]);
  const dm = DAY_MONTH.exec(t);
  return dm ? namedDate(dm[2], dm[1], dm[3]) : null;
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function namedDate(monthName: string, day: string, year: string | undefined): PageDate | null {
  const month = monthNumber(monthName);
  // `Mar`, `March`, `Sept` but not `Marathon`: the word must begin the month's name.
  if (month === null || !MONTH_NAMES[month - 1].startsWith(monthName.toLowerCase())) return null;
  if (+day < 1 || +day > 31) return null;
  return { year: year ? +year : null, month, day: +day };
}
