import { createHash } from 'node:crypto';

/** Title reduced to what stays the same across dumps: case, accents, punctuation and spacing dropped. */
export function normalizeTitleForKey(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The hash of a normalized title; a paper without an arXiv id is keyed `t:` + this (see paperKeyOf). */
export function titleKeyOf(title: string): string {
  let key = recentTitleKeys.get(title);
  if (key === undefined) {
    key = createHash('sha256').update(normalizeTitleForKey(title)).digest('hex').slice(0, 32);
    // An ingest asks for a batch's title keys several times (fold, adopt, write): hash each once.
    if (recentTitleKeys.size >= 4096) recentTitleKeys.clear();
    recentTitleKeys.set(title, key);
  }
  return key;
}

const recentTitleKeys = new Map<string, string>();

/** A paper's identity: its versionless arXiv id, else a stable hash of its normalized title. */
export function paperKeyOf(paper: { arxivId: string | null; title: string }): string {
  if (paper.arxivId) return paper.arxivId;
  return 't:' + titleKeyOf(paper.title);
}
