/** New-style ids since 2007 (`0704.0001`, `2608.16590`: 4 digits after the dot until 2014, then 5). */
const NEW_ID = /^\d{4}\.\d{4,5}$/;
/** Old-style ids: `archive(.SUBJ)?/YYMMNNN`, e.g. `quant-ph/0210005`, `math.GT/0309136`. */
const OLD_ID = /^[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{7}$/;

export function isArxivId(id: string): boolean {
  return NEW_ID.test(id) || OLD_ID.test(id);
}

/** `2501.05441v2` → `2501.05441`; ids without a version are returned unchanged. */
export function stripVersion(id: string): string {
  return id.replace(/v\d+$/, '');
}

/** The versionless id when `raw` (trimmed, optionally `arXiv:`-prefixed) is an arXiv id, else null. */
export function normalizeArxivId(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const id = stripVersion(raw.trim().replace(/^arxiv:/i, ''));
  return isArxivId(id) ? id : null;
}

const ID_PATTERN = String.raw`(\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?`;
/** An arXiv id inside a line: an arxiv.org abs/pdf link, a Hugging Face paper link or `arXiv:<id>`. */
const ID_IN_TEXT = new RegExp(
  String.raw`(?:arxiv\.org\/(?:abs|pdf)\/|huggingface\.co\/(?:[\w.-]+\/)*papers\/|\barxiv:\s*)` + ID_PATTERN + String.raw`(?![\w.]*\d)`,
  'i',
);

/** The first arXiv id a line of text links to or cites, versionless, else null. */
export function findArxivId(text: string): string | null {
  const m = ID_IN_TEXT.exec(text);
  return m ? stripVersion(m[1]) : null;
}

/** The versionless id of an arXiv abs URL (`http://arxiv.org/abs/quant-ph/0210005v1`), else null. */
export function arxivIdFromUrl(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  const m = /^https?:\/\/(?:export\.|www\.)?arxiv\.org\/abs\/(.+)$/i.exec(url.trim());
  return m ? normalizeArxivId(m[1]) : null;
}

export function arxivAbsUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

export function arxivPdfUrl(id: string): string {
  return `https://arxiv.org/pdf/${id}`;
}
