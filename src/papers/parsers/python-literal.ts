/**
 * Reads the Python `repr()` of a dict, as found in HF dumps whose collecting tool wrote
 * `str(item)` instead of the item (22 files of the 2024-12/2025-01 vintage). Only literals:
 * dict, list, tuple, str, int, float, True, False, None — what `ast.literal_eval` accepts
 * for such data. Throws SyntaxError on anything else.
 */
export function parsePythonLiteral(text: string): unknown {
  const reader = new LiteralReader(text);
  const value = reader.value(0);
  reader.end();
  return value;
}

const MAX_DEPTH = 100;
const CLOSERS: Record<string, string> = { '[': ']', '(': ')', '{': '}' };
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\x07',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '\n': '',
};
const NUMBER = /[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const WORD = /True|False|None|inf|nan/y;
const WORDS: Record<string, unknown> = { True: true, False: false, None: null, inf: Infinity, nan: NaN };

class LiteralReader {
  private i = 0;

  constructor(private readonly s: string) {}

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    this.space();
    const ch = this.s[this.i];
    if (ch === '{') return this.dict(depth);
    if (ch === '[' || ch === '(') return this.sequence(depth);
    if (ch === "'" || ch === '"') return this.string();
    return this.scalar();
  }

  end(): void {
    this.space();
    if (this.i < this.s.length) this.fail('unexpected text after the literal');
  }

  private dict(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.items('{', () => {
      const key = this.value(depth + 1);
      this.space();
      if (this.s[this.i++] !== ':') this.fail("expected ':'");
      // defineProperty so a key named __proto__ stays plain data.
      Object.defineProperty(out, String(key), { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
    });
    return out;
  }

  private sequence(depth: number): unknown[] {
    const out: unknown[] = [];
    this.items(this.s[this.i], () => out.push(this.value(depth + 1)));
    return out;
  }

  /** Reads `open item, item, ... close`, trailing comma allowed as in Python. */
  private items(open: string, readItem: () => void): void {
    const close = CLOSERS[open];
    this.i++;
    for (;;) {
      this.space();
      if (this.s[this.i] === close) break;
      readItem();
      this.space();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) this.fail(`expected ',' or '${close}'`);
    }
    this.i++;
  }

  private string(): string {
    const quote = this.s[this.i++];
    let out = '';
    for (let start = this.i; ;) {
      const j = this.nextSpecial(quote);
      out += this.s.slice(start, j);
      if (this.s[j] === quote) {
        this.i = j + 1;
        return out;
      }
      const [text, next] = this.escape(j);
      out += text;
      start = this.i = next;
    }
  }

  private nextSpecial(quote: string): number {
    for (let j = this.i; j < this.s.length; j++) {
      const c = this.s[j];
      if (c === quote || c === '\\') return j;
      if (c === '\n') this.fail('line break inside a string');
    }
    return this.fail('unterminated string');
  }

  /** Decodes the escape at `j` (a backslash): its text and the index after it. */
  private escape(j: number): [string, number] {
    const c = this.s[j + 1];
    if (c !== undefined && c in ESCAPES) return [ESCAPES[c], j + 2];
    const width = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (width === 0) return ['\\', j + 1]; // Python keeps unknown escapes such as \d as written.
    const hex = this.s.slice(j + 2, j + 2 + width);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) this.fail(`bad \\${c} escape`);
    return [String.fromCodePoint(parseInt(hex, 16)), j + 2 + width];
  }

  private scalar(): unknown {
    for (const pattern of [WORD, NUMBER]) {
      pattern.lastIndex = this.i;
      const m = pattern.exec(this.s);
      if (m && !/[\w.]/.test(this.s[pattern.lastIndex] ?? '')) {
        this.i = pattern.lastIndex;
        return pattern === WORD ? WORDS[m[0]] : Number(m[0].replace(/_/g, ''));
      }
    }
    return this.fail('unexpected token');
  }

  private space(): void {
    while (this.i < this.s.length && ' \t\r\n'.includes(this.s[this.i])) this.i++;
  }

  private fail(message: string): never {
    throw new SyntaxError(`${message} at offset ${this.i}`);
  }
}
