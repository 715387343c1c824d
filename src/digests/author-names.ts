/**
 * Following an author by name: "Y. LeCun", "LeCun, Yann", "yann lecun" and "Yann LeCun" are the
 * same person to a reader, and "José" is "Jose". Two names match when they share a full family
 * word and every other word of the shorter name fits a word of the longer one (equal, or an
 * initial of it), in any order. Initials make this tolerant by design: "Y. LeCun" also follows a
 * "Yoshua LeCun"; a reader who wants one of two namesakes writes the whole first name.
 */

export interface NameKey {
  /** Words of two or more letters. */
  full: string[];
  /** Single letters (initials). */
  initials: string[];
}

export function nameKey(name: string): NameKey {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  return { full: words.filter((w) => w.length > 1), initials: words.filter((w) => w.length === 1) };
}

/** True when the followed name (`wanted`) names this author. */
export function sameAuthor(wanted: NameKey, author: NameKey): boolean {
  if (!wanted.full.some((w) => author.full.includes(w))) return false;
  return fits(wanted, author) || fits(author, wanted);
}

// Every word of `short` has its own word in `long`: full words equal, initials the first letter of a word or the same initial.
function fits(short: NameKey, long: NameKey): boolean {
  const pool = [...long.full];
  const initials = [...long.initials];
  for (const w of short.full) {
    const i = pool.indexOf(w);
    if (i < 0) return false;
    pool.splice(i, 1);
  }
  for (const c of short.initials) {
    const i = pool.findIndex((w) => w.startsWith(c));
    if (i >= 0) pool.splice(i, 1);
    else if (initials.includes(c)) initials.splice(initials.indexOf(c), 1);
    else return false;
  }
  return true;
}

/** The followed names (as the reader wrote them) that one of these authors matches. */
export function followedAmong(followed: readonly { name: string; key: NameKey }[], authors: readonly string[]): string[] {
  if (followed.length === 0) return [];
  const keys = authors.map(nameKey);
  return followed.filter((f) => keys.some((k) => sameAuthor(f.key, k))).map((f) => f.name);
}
