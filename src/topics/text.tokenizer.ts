import { stemmer } from 'stemmer';

/**
 * Text normalisation shared by documents and queries: both sides must cut words the same way,
 * or a query word could never meet its document twin.
 */

// Letters and digits, possibly joined by hyphens or dashes into a compound (`state-of-the-art`).
const CHUNK = /[\p{L}\p{N}]+(?:[-\u2010\u2011\u2013][\p{L}\p{N}]+)*/gu;
// Most text is ASCII: splitting on a plain character class is several times faster than matching
// Unicode properties, and allocates no match objects.
const ASCII_SEPARATOR = /[^a-z0-9-]+/;
const ASCII = /^[\x00-\x7f]*$/;
const PART_SEPARATOR = /[-\u2010\u2011\u2013]/u;
// LaTeX commands (`\textit`, `\mathbf`) carry no topic and would otherwise become words.
const LATEX_COMMAND = /\\[a-zA-Z]+/g;
// Possessive `'s` would leave a stray `s` word between `LLM` and what follows it.
const POSSESSIVE = /['\u2019]s\b/gi;

/** Whether text is all ASCII: then splitWords cuts it at every character outside [a-z0-9-]. */
export function isAscii(text: string): boolean {
  return ASCII.test(text);
}

/** Lowercases and strips accents so `Schrödinger` and `schrodinger` meet. */
export function normalizeText(text: string): string {
  let t = ASCII.test(text) ? text : text.normalize('NFKD').replace(/\p{M}+/gu, '');
  // Each replace scans the whole abstract; most abstracts need neither.
  if (t.includes('\\')) t = t.replace(LATEX_COMMAND, ' ');
  if (t.includes("'") || t.includes('\u2019')) t = t.replace(POSSESSIVE, '');
  return t.toLowerCase();
}

/**
 * Splits text into lowercased, accent-free words. A hyphenated compound (`vision-language`) comes
 * back whole, its parts joined by a single `-`, so callers can index both the parts and the closed
 * form; plain words are most of the text and cost no extra allocation.
 */
export function splitWords(text: string): string[] {
  const norm = normalizeText(text);
  if (!ASCII.test(norm)) return [...norm.matchAll(CHUNK)].map((m) => m[0].split(PART_SEPARATOR).join('-'));
  const words = norm.split(ASCII_SEPARATOR);
  let n = 0;
  for (const word of words) {
    if (word === '') continue;
    if (!word.includes('-')) words[n++] = word;
    else {
      const clean = word
        .split('-')
        .filter((p) => p !== '')
        .join('-');
      if (clean !== '') words[n++] = clean;
    }
  }
  words.length = n;
  return words;
}

/** The parts of a word from splitWords: `vision-language` → [vision, language]. */
export function wordParts(word: string): string[] {
  return word.split('-');
}

// The Porter stemmer costs about a microsecond a word; abstracts repeat their vocabulary, so a
// bounded memo makes tagging a whole corpus cheap without growing forever in a long-lived server.
const STEM_CACHE_LIMIT = 200_000;
const stemCache = new Map<string, string>();
// A third of a paper's distinct words are function words. They are their own stem (documents
// and queries agree, which is all that matters), and a tiny set answers faster than the memo.
const FUNCTION_WORDS = new Set(
  (
    'a an and are as at be been both but by can for from has have how in into is it its more ' +
    'not of on or our over such than that the their them then there these they this those ' +
    'through to via was we were what when where which while who with without'
  ).split(' '),
);

/** A function word ("with", "the"): never a reason a paper is about something. */
export function isFunctionWord(word: string): boolean {
  return FUNCTION_WORDS.has(word);
}

/** Porter stem of one lowercased word (`quantized` → `quantiz`, `agents` → `agent`). */
export function stem(word: string): string {
  if (FUNCTION_WORDS.has(word)) return word;
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}
