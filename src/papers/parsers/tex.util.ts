/** TeX accent commands → Unicode combining marks (composed with NFC afterwards). */
const ACCENTS: Record<string, string> = {
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '"': '\u0308',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
  c: '\u0327',
  v: '\u030C',
  u: '\u0306',
  H: '\u030B',
  k: '\u0328',
  r: '\u030A',
};

/** Letter-like commands that stand alone (`\o`, `\ss`, `\i`). */
const SYMBOLS: Record<string, string> = {
  i: 'ı',
  j: 'ȷ',
  o: 'ø',
  O: 'Ø',
  l: 'ł',
  L: 'Ł',
  ss: 'ß',
  aa: 'å',
  AA: 'Å',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
};

/**
 * `\'e`, `\'{e}`, `\"{\i}`, `\c{c}`, `\c c`: symbol accents take the letter directly, letter
 * accents (\c \v \u \H \k \r) need braces or a space so `\cite` is not read as `\c` + `ite`.
 */
const ACCENTED = new RegExp(String.raw`\\(?:([\'\`^"~=.])|([cvuHkr])(?=[\s{]))\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))`, 'g');
const SYMBOL = /\\(ss|aa|AA|ae|AE|oe|OE|[oOlLij])(?![A-Za-z])\s*(?:\{\})?/g;

/**
 * Decodes the TeX accents arXiv metadata uses in author names (`M\'etris`, `{\'e}` → `Métris`, `é`)
 * and drops the grouping braces left around them. Only for names: titles and abstracts keep
 * their LaTeX as written.
 */
export function decodeTexAccents(name: string): string {
  let out = name;
  if (out.includes('\\')) {
    out = out
      .replace(ACCENTED, (_m, sym?: string, cmd?: string, braced?: string, bare?: string) => baseLetter(braced ?? bare ?? '') + ACCENTS[sym ?? cmd ?? ''])
      .replace(SYMBOL, (_m, cmd: string) => SYMBOLS[cmd] ?? '')
      .normalize('NFC');
  }
  return out.includes('{') || out.includes('}') ? out.replace(/[{}]/g, '') : out;
}

function baseLetter(letter: string): string {
  if (letter === '\\i') return 'i';
  if (letter === '\\j') return 'j';
  return letter;
}
