/**
 * A validating pass over a JSON document that JSON.parse cannot replace on Node 20: it says
 * on which line a broken or truncated document fails (V8 there often names no position) and
 * on which line each item starts, so skips can point into the file. Iterative, so hostile
 * nesting cannot overflow the stack.
 */
export interface JsonScan {
  /** Start lines of the outer array's elements, or of the `data` array's in a `{data: [...]}` wrapper. */
  itemLines: number[];
  error: { line: number; reason: string } | null;
}

type State = 'value' | 'firstValue' | 'key' | 'firstKey' | 'colon' | 'after';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

class Failure extends Error {}

export function scanJson(text: string): JsonScan {
  const scanner = new Scanner(text);
  try {
    scanner.run();
    return { itemLines: scanner.itemLines, error: null };
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    return { itemLines: scanner.itemLines, error: { line: scanner.line, reason: e.message } };
  }
}

class Scanner {
  readonly itemLines: number[] = [];
  line = 1;
  private i = 0;
  private readonly stack: Array<'[' | '{'> = [];
  private state: State = 'value';
  private rootKey = '';

  constructor(private readonly text: string) {}

  run(): void {
    for (this.skipSpace(); this.i < this.text.length; this.skipSpace()) this.step(this.text[this.i]);
    if (this.stack.length > 0 || this.state !== 'after') {
      // Point at the last line with content, not past trailing newlines.
      this.line -= countNewlines(this.text, this.text.trimEnd().length);
      throw new Failure('unexpected end of JSON input: the file is truncated');
    }
  }

  private step(ch: string): void {
    const top = this.stack[this.stack.length - 1];
    if (this.state === 'after') return this.afterValue(ch, top);
    if (this.state === 'colon') return this.expect(ch, ':', 'value');
    if (this.state === 'key' || this.state === 'firstKey') return this.key(ch);
    if (ch === ']' && this.state === 'firstValue') return this.close();
    this.value(ch, top);
  }

  private value(ch: string, top: '[' | '{' | undefined): void {
    if (top === '[' && this.isItemLevel()) this.itemLines.push(this.line);
    if (ch === '{' || ch === '[') {
      this.stack.push(ch);
      this.state = ch === '{' ? 'firstKey' : 'firstValue';
      this.i++;
      return;
    }
    if (ch === '"') this.string();
    else if (!this.match(NUMBER) && !this.match(LITERAL)) throw new Failure(`unexpected character ${quoteChar(ch)}`);
    this.state = 'after';
  }

  private isItemLevel(): boolean {
    const depth = this.stack.length;
    return depth === 1 || (depth === 2 && this.stack[0] === '{' && this.rootKey === 'data');
  }

  private key(ch: string): void {
    if (ch === '}' && this.state === 'firstKey') return this.close();
    if (ch !== '"') throw new Failure(`expected a property name in double quotes, found ${quoteChar(ch)}`);
    const start = this.i;
    this.string();
    if (this.stack.length === 1) this.rootKey = JSON.parse(this.text.slice(start, this.i)) as string;
    this.state = 'colon';
  }

  private afterValue(ch: string, top: '[' | '{' | undefined): void {
    if (top === undefined) throw new Failure(`unexpected ${quoteChar(ch)} after the end of the JSON document`);
    if (ch === ',') {
      this.i++;
      this.state = top === '[' ? 'value' : 'key';
    } else if ((ch === ']' && top === '[') || (ch === '}' && top === '{')) this.close();
    else throw new Failure(`expected ',' or '${top === '[' ? ']' : '}'}', found ${quoteChar(ch)}`);
  }

  private close(): void {
    this.stack.pop();
    this.i++;
    this.state = 'after';
  }

  private expect(ch: string, wanted: string, next: State): void {
    if (ch !== wanted) throw new Failure(`expected '${wanted}', found ${quoteChar(ch)}`);
    this.i++;
    this.state = next;
  }

  private string(): void {
    const { text } = this;
    for (let i = this.i + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return;
      }
      if (c < 0x20) throw new Failure('unescaped control character (a raw line break?) inside a string');
      if (c === 0x5c) i = this.escape(i);
    }
    throw new Failure('unexpected end of JSON input inside a string: the file is truncated');
  }

  private escape(i: number): number {
    const next = this.text[i + 1];
    if (next !== undefined && '"\\/bfnrt'.includes(next)) return i + 1;
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(i + 2, i + 6))) return i + 5;
    if (next === undefined) return i;
    throw new Failure(`invalid escape sequence \\${next} in a string`);
  }

  private match(pattern: RegExp): boolean {
    pattern.lastIndex = this.i;
    if (!pattern.test(this.text)) return false;
    this.i = pattern.lastIndex;
    return true;
  }

  private skipSpace(): void {
    const { text } = this;
    for (let c = text.charCodeAt(this.i); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++this.i)) {
      if (c === 10) this.line++;
    }
  }
}

function countNewlines(text: string, from: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function quoteChar(ch: string): string {
  return JSON.stringify(ch);
}
