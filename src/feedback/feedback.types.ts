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
}

export function isEmptyProfile(p: ReaderProfile | null | undefined): boolean {
  return !p || (p.votes.length === 0 && p.likes.length === 0 && p.authors.length === 0);
}
