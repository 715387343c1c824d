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

/** A paper's identity: its versionless arXiv id, else a stable hash of its normalized title. */
export function paperKeyOf(paper: { arxivId: string | null; title: string }): string {
  if (paper.arxivId) return paper.arxivId;
  return 't:' + createHash('sha256').update(normalizeTitleForKey(paper.title)).digest('hex').slice(0, 32);
}
