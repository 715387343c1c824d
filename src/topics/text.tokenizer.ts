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

/** Lowercases and strips accents so `Schrödinger` and `schrodinger` meet. */
export function normalizeText(text: string): string {
  const plain = ASCII.test(text) ? text : text.normalize('NFKD').replace(/\p{M}+/gu, '');
  return plain.replace(LATEX_COMMAND, ' ').replace(POSSESSIVE, '').toLowerCase();
}

/**
 * Splits text into word chunks, each a list of lowercased, accent-free parts: `Vision-Language`
 * is one chunk of two parts, so callers can index both the parts and the closed compound.
 */
export function chunkText(text: string): string[][] {
  const norm = normalizeText(text);
  if (!ASCII.test(norm)) return [...norm.matchAll(CHUNK)].map((m) => m[0].split(PART_SEPARATOR));
  const chunks: string[][] = [];
  for (const word of norm.split(ASCII_SEPARATOR)) {
    if (word === '') continue;
    if (!word.includes('-')) chunks.push([word]);
    else {
      const parts = word.split('-').filter((p) => p !== '');
      if (parts.length > 0) chunks.push(parts);
    }
  }
  return chunks;
}

// The Porter stemmer costs about a microsecond a word; abstracts repeat their vocabulary, so a
// bounded memo makes tagging a whole corpus cheap without growing forever in a long-lived server.
const STEM_CACHE_LIMIT = 200_000;
const stemCache = new Map<string, string>();

/** Porter stem of one lowercased word (`quantized` → `quantiz`, `agents` → `agent`). */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}
