import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { InvalidInputError } from '../common/errors.js';
import type { Subscriber } from './subscriber.entity.js';

/** `paperboy subscribers export` and `GET /api/admin/subscribers/export`; topics are joined with `;`. */
export const EXPORT_COLUMNS = ['email', 'topics', 'keywords', 'frequency', 'timezone', 'hour', 'status'] as const;
/** What an import reads; `status` is allowed too, so an export can be imported back. */
export const IMPORT_COLUMNS = ['email', 'topics', 'keywords', 'frequency', 'timezone', 'hour'] as const;
const REQUIRED = ['email', 'topics'];
const ALLOWED: readonly string[] = [...IMPORT_COLUMNS, 'status'];

/** One data row of an import: its first line in the file, and its fields by column name. */
export interface CsvRow {
  line: number;
  fields: Partial<Record<string, string>>;
  /** Set when the row itself cannot be read (a wrong number of fields). */
  problem?: string;
}

/** Only the first rows of a file are parsed at once; the rest stays on disk until they are needed. */
const PARSE_OPTIONS = {
  bom: true,
  trim: true,
  skip_empty_lines: true,
  relax_column_count: true,
  info: true,
  raw: true,
  record_delimiter: ['\r\n', '\n'],
};

/**
 * Reads an import file row by row, never the whole file at once. The header is checked first
 * (InvalidInputError when it lacks `email` and `topics`); a part that is not readable as CSV
 * throws InvalidInputError with its line when reached, which is why importers read the file
 * through once (checkSubscriberCsv) before storing anything.
 */
export async function* readSubscriberCsv(path: string): AsyncGenerator<CsvRow> {
  let header: string[] | null = null;
  for await (const record of records(path)) {
    if (!header) {
      header = checkHeader(record.fields);
      continue;
    }
    const row: CsvRow = { line: record.line, fields: Object.fromEntries(header.map((name, i) => [name, unescapeFormula(record.fields[i] ?? '')])) };
    if (record.fields.length > header.length) row.problem = `has ${record.fields.length} fields but the header has ${header.length}`;
    yield row;
  }
  if (!header) throw new InvalidInputError(`the CSV is empty: it needs a header line such as "${IMPORT_COLUMNS.join(',')}"`);
}

/** Reads the whole file through, in flat memory: its number of data rows, or the InvalidInputError readSubscriberCsv would throw. */
export async function checkSubscriberCsv(path: string): Promise<number> {
  let rows = 0;
  for await (const _row of readSubscriberCsv(path)) rows++;
  return rows;
}

async function* records(path: string): AsyncGenerator<{ line: number; fields: string[] }> {
  const parser = parse(PARSE_OPTIONS);
  const input = createReadStream(path, { highWaterMark: 256 * 1024 });
  input.on('error', (err) => parser.destroy(err)); // pipe() does not pass a read error on
  input.pipe(parser);
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      // info.lines is where a record ends; a quoted field may span lines, so count back to its start.
      yield { line: r.info.lines - (r.raw.replace(/^[\r\n]+|[\r\n]+$/g, '').match(/\n/g)?.length ?? 0), fields: r.record };
    }
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    const e = err as { message?: string; lines?: number; code?: string };
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw new InvalidInputError(`cannot read the CSV file: ${e.message}`);
    throw new InvalidInputError(`not a readable CSV file${e.lines ? ` (line ${e.lines})` : ''}: ${e.message ?? String(err)}`);
  } finally {
    input.destroy();
    parser.destroy();
  }
}

function checkHeader(names: string[]): string[] {
  const header = names.map((n) => n.trim().toLowerCase());
  const unknown = header.filter((n) => !ALLOWED.includes(n));
  const missing = REQUIRED.filter((n) => !header.includes(n));
  const repeated = header.filter((n, i) => header.indexOf(n) !== i);
  const plural = (n: number) => (n > 1 ? 's' : '');
  const problems = [
    ...(missing.length ? [`lacks column${plural(missing.length)} ${missing.join(', ')}`] : []),
    ...(unknown.length ? [`has unknown column${plural(unknown.length)} ${unknown.map((n) => `"${n.slice(0, 40)}"`).join(', ')}`] : []),
    ...(repeated.length ? [`repeats column${plural(repeated.length)} ${repeated.join(', ')}`] : []),
  ];
  if (problems.length)
    throw new InvalidInputError(`line 1: the header ${problems.join(' and ')}; expected "${IMPORT_COLUMNS.join(',')}" (only email and topics are required)`);
  return header;
}

/** The subscription input a row stands for; empty optional fields take their defaults. */
export function subscriptionOfRow(fields: CsvRow['fields']): Record<string, unknown> {
  const input: Record<string, unknown> = {
    email: fields.email ?? '',
    topics: (fields.topics ?? '')
      .split(';')
      .map((t) => t.trim())
      .filter(Boolean),
  };
  for (const key of ['keywords', 'frequency', 'timezone', 'hour'] as const) if (fields[key]) input[key] = fields[key];
  return input;
}

export function csvHeader(): string {
  return stringify([[...EXPORT_COLUMNS]]);
}

export function csvLines(subscribers: Subscriber[]): string {
  const rows = subscribers.map((s) => [s.email, s.topics.join(';'), s.keywords ?? '', s.frequency, s.timezone, String(s.deliveryHour), s.status]);
  return stringify(
    rows.map((row) => row.map(escapeFormula)),
    { quoted_match: ESCAPED },
  );
}

/**
 * CSV injection (OWASP): a spreadsheet runs a cell starting with `= + - @`, a tab or a carriage
 * return as a formula, and anyone can subscribe with keywords `=HYPERLINK(…)`. Such a cell is
 * written with a leading single quote, and quoted. Values that already start with quotes before
 * such a character get one more, so unescapeFormula (on import) gives every value back exactly.
 */
const FORMULA = /^'*[=+\-@\t\r]/;
const ESCAPED = /^'+[=+\-@\t\r]/;

export function escapeFormula(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

export function unescapeFormula(value: string): string {
  return ESCAPED.test(value) ? value.slice(1) : value;
}
