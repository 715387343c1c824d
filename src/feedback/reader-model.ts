import { STOP_WORDS } from '../digests/reason.words.js';
import { isFunctionWord, splitWords, stem } from '../topics/text.tokenizer.js';
import type { ProfilePaper, ReaderModel, ReaderProfile } from './feedback.types.js';

/** A paper as the model reads it: a candidate (tags as a map) or a voted or liked paper (tags as slugs). */
export interface TextPaper {
  id: number;
  title: string;
  abstract: string | null;
  aiKeywords: string[];
  tags: readonly string[] | ReadonlyMap<string, unknown>;
}

export type Terms = Map<string, { tf: number; word: string }>;

/** See ReaderModel (feedback.types.ts). */
const MODEL_TERMS = 1500;
const NEAREST_AMONG = 12;
const TAG_WEIGHT = 1.5;
/** "Less like this" counts this much of "more like this". */
const NEGATIVE_SHARE = 0.75;

/** The paper's stemmed words (title twice, abstract, keywords) and tags, with their spellings. */
export function termsOf(p: TextPaper): Terms {
  const terms: Terms = new Map();
  const add = (text: string, weight: number) => {
    for (const whole of splitWords(text)) {
      for (const word of whole.includes('-') ? [whole, ...whole.split('-')] : [whole]) {
        if (word.length < 3 || isFunctionWord(word) || STOP_WORDS.has(word) || /^\d+$/.test(word)) continue;
        const key = stem(word);
        const t = terms.get(key);
        if (t) t.tf += weight;
        else terms.set(key, { tf: weight, word });
      }
    }
  };
  add(p.title, 2);
  add(p.abstract ?? '', 1);
  add(p.aiKeywords.join(' , '), 1);
  for (const slug of Array.isArray(p.tags) ? (p.tags as string[]) : (p.tags as ReadonlyMap<string, unknown>).keys())
    terms.set(`#${slug}`, { tf: TAG_WEIGHT, word: '' });
  return terms;
}

/** Log term frequencies, scaled to unit length. */
function unitTf(terms: Terms): Map<string, number> {
  const out = new Map<string, number>();
  let norm = 0;
  for (const [k, t] of terms) {
    const v = 1 + Math.log(t.tf);
    out.set(k, v);
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [k, v] of out) out.set(k, v / norm);
  return out;
}

/** The model of a profile's votes and likes: what is stored for the reader. */
export function buildModel(profile: Pick<ReaderProfile, 'votes' | 'likes'>): ReaderModel {
  const positive = dedupe([...profile.likes, ...profile.votes.filter((v) => v.vote > 0).map((v) => v.paper)]);
  const negative = profile.votes.filter((v) => v.vote < 0).map((v) => v.paper);
  const weights = new Map<string, number>();
  const liked = positive.map((p) => ({ title: p.title, vec: unitTf(termsOf(p)) }));
  const accumulate = (vectors: Map<string, number>[], share: number) => {
    for (const v of vectors) for (const [k, x] of v) weights.set(k, (weights.get(k) ?? 0) + (share / vectors.length) * x);
  };
  accumulate(
    liked.map((l) => l.vec),
    1,
  );
  accumulate(
    negative.map((p) => unitTf(termsOf(p))),
    -NEGATIVE_SHARE,
  );
  return {
    v: 1,
    terms: strongest(weights, MODEL_TERMS),
    positives: positive.length,
    negatives: negative.length,
    known: [...new Set([...positive, ...negative].map((p) => p.id))],
    near: liked.slice(-NEAREST_AMONG).map((l) => ({ title: l.title, terms: strongest(l.vec, Infinity) })),
  };
}

/** The `n` terms of largest magnitude, rounded (the stored model stays small). */
function strongest(v: Map<string, number>, n: number): [string, number][] {
  const terms = [...v].filter(([, x]) => x !== 0).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return terms.slice(0, n).map(([k, x]) => [k, Math.round(x * 1e6) / 1e6]);
}

/** A stored model read back; null when it is not one (an older format, a damaged row): it is then built again. */
export function parseModel(text: string): ReaderModel | null {
  try {
    const m = JSON.parse(text) as ReaderModel;
    return m?.v === 1 && Array.isArray(m.terms) && Array.isArray(m.known) && Array.isArray(m.near) ? m : null;
  } catch {
    return null;
  }
}

function dedupe(papers: ProfilePaper[]): ProfilePaper[] {
  const seen = new Set<number>();
  return papers.filter((p) => !seen.has(p.id) && seen.add(p.id));
}
