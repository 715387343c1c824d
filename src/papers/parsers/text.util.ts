import { decodeHTMLStrict } from 'entities';

/** Collapses every run of whitespace (newlines of hard-wrapped titles included) to one space. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Decodes HTML/XML entities once. Strict mode: only `&name;` with its semicolon, so text such
 * as `R&D` or `&not` inside prose or LaTeX is never mistaken for an entity.
 */
export function decodeEntities(text: string): string {
  return text.includes('&') ? decodeHTMLStrict(text) : text;
}

/** Entities decoded and whitespace collapsed; LaTeX is left exactly as written. */
export function cleanText(text: string): string {
  return normalizeWhitespace(decodeEntities(text));
}

/** `cleanText` for optional values: anything that is not a non-blank string becomes null. */
export function cleanOptional(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = cleanText(value);
  return text === '' ? null : text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

export function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The strings of an array, cleaned; anything else yields []. */
export function cleanStringArray(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) {
    const text = cleanOptional(item);
    if (text !== null) out.push(text);
  }
  return out;
}

/** Splits an author string on commas, semicolons and " and ", dropping parenthesized affiliations. */
export function splitAuthorList(text: string): string[] {
  let bare = text;
  // Repeat so nested parentheses `(a (b) c)` go too; each pass removes the innermost level.
  for (let prev = ''; bare.includes('(') && prev !== bare;) {
    prev = bare;
    bare = bare.replace(/\([^()]*\)/g, ' ');
  }
  return bare
    .split(/,|;|\band\b|\s&\s/)
    .map(normalizeWhitespace)
    .filter((name) => name !== '');
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** `YYYY-MM-DD` from the start of an ISO timestamp or date, when it is a real calendar day. */
export function isoDatePart(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = ISO_DATE.exec(value.trim());
  if (!m) return null;
  return isCalendarDate(+m[1], +m[2], +m[3]) ? m[0] : null;
}

export function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

export function formatIsoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A Date from any string `Date` understands (ISO 8601, RFC 2822), or null. */
export function parseTimestamp(value: unknown): Date | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const d = new Date(value.trim());
  return Number.isNaN(d.getTime()) ? null : d;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** 1-12 for an English month name or abbreviation (`Mar`, `March`, `Sept`), else null. */
export function monthNumber(name: string): number | null {
  const i = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return i < 0 ? null : i + 1;
}

/**
 * The calendar day written in an RFC 2822 date (`Thu, 16 May 2024 00:00:00 -0400`), in the
 * date's own zone: arXiv announces at midnight Eastern, which UTC would move to the next day.
 */
export function rfc2822DatePart(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /(\d{1,2})\s+([A-Za-z]{3,})\s+(\d{4})/.exec(value);
  const month = m ? monthNumber(m[2]) : null;
  if (!m || month === null || !isCalendarDate(+m[3], month, +m[1])) return null;
  return formatIsoDate(+m[3], month, +m[1]);
}
