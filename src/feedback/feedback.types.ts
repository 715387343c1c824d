/** "More like this" (1) or "less like this" (-1). */
export type Vote = 1 | -1;

/** What the personal ranking reads of a paper the reader voted on or likes. */
export interface ProfilePaper {
  id: number;
  title: string;
  abstract: string | null;
  aiKeywords: string[];
  /** Topic slugs the paper is tagged with. */
  tags: string[];
}

/** Everything one reader told Paperboy about their taste: votes, liked papers, followed authors. */
export interface ReaderProfile {
  votes: { paper: ProfilePaper; vote: Vote }[];
  /** Papers named in `likes` that Paperboy has (a like of an unknown paper waits until it is ingested). */
  likes: ProfilePaper[];
  authors: string[];
  /** The reader's stored model (reader-model.ts); built from `votes` and `likes` when absent. */
  model?: ReaderModel | null;
}

/**
 * A reader's personal model, built once when their votes or likes change and stored, so a digest
 * run reads it instead of re-reading (and re-tokenizing) every paper they ever voted on.
 *
 * Rocchio's rule over the papers' words and topic tags: the mean of the papers the reader asked
 * more of, minus a share of the mean of those they asked less of. The papers are unit vectors of
 * log term frequencies; the IDF is left to the run, which knows its candidate pool (the words
 * rare among this run's candidates are the ones that tell them apart).
 */
export interface ReaderModel {
  v: 1;
  /** Term → weight, the strongest MODEL_TERMS by magnitude (a tag is `#slug`). */
  terms: [string, number][];
  positives: number;
  negatives: number;
  /** Papers the reader voted on or named as liked: a digest does not show them again. */
  known: number[];
  /** The latest liked papers, for "like “Title you liked”": title and unit log-tf vector. */
  near: { title: string; terms: [string, number][] }[];
}

export function isEmptyProfile(p: ReaderProfile | null | undefined): boolean {
  return !p || (p.votes.length === 0 && p.likes.length === 0 && p.authors.length === 0 && !p.model?.positives && !p.model?.negatives);
}
