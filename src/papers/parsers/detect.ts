import { extname } from 'node:path';
import { DumpRejectedError, type DumpFormat } from '../paper.types.js';
import { binaryReason, stripBom } from './source.util.js';

/**
 * The format of a dump from its first few KB (`head`) and its name. Content decides; the
 * name only breaks the tie content cannot: a first JSON line longer than the head.
 * Throws DumpRejectedError for empty and binary files and for XML other than Atom or RSS.
 */
export function detectFormat(head: string | Buffer, fileName: string): DumpFormat {
  const binary = binaryReason(head);
  if (binary) throw new DumpRejectedError(fileName, null, binary);
  const text = stripBom(typeof head === 'string' ? head : head.toString('utf8')).replace(/\uFFFD{1,3}$/, '');
  const start = text.trimStart();
  if (start === '') throw new DumpRejectedError(fileName, null, 'empty file');
  if (start.startsWith('<')) return xmlFormat(start, fileName);
  if (start.startsWith('{')) return jsonObjectFormat(start, fileName);
  if (/^\[\s*(?:[{["\]]|$|-?\d[\d.eE+-]*\s*[,\]]|(?:true|false|null)\s*[,\]])/.test(start)) return 'hf-api';
  return 'hf-page';
}

/** One JSON object a line is the arXiv snapshot; a pretty-printed object is a wrapped HF API dump. */
function jsonObjectFormat(start: string, fileName: string): DumpFormat {
  const lines = start.split('\n');
  const complete = lines
    .slice(0, -1)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 5);
  if (complete.length === 0) return /\.(?:jsonl|ndjson)$/i.test(fileName) || /^\{\s*"id"\s*:/.test(start) ? 'arxiv-jsonl' : 'hf-api';
  return complete.some(isSnapshotLine) ? 'arxiv-jsonl' : 'hf-api';
}

/** A whole JSON object on one line, other than an HF API dump written on a single line. */
function isSnapshotLine(line: string): boolean {
  if (!line.startsWith('{') || !line.endsWith('}')) return false;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) && !('data' in value) && !('paper' in value);
  } catch {
    return false;
  }
}

/** The root element, past the XML declaration, comments, processing instructions and DOCTYPE. */
function xmlFormat(start: string, fileName: string): DumpFormat {
  const body = start.replace(/^(?:\s*(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>))*\s*/i, '');
  // Text that merely starts with a comment or an autolink (`<https://…>`) is a page capture.
  if (body !== '' && (!body.startsWith('<') || /^<https?:/i.test(body))) return 'hf-page';
  const root = /^<([\w.-]+:)?([\w.-]+)/.exec(body);
  const name = root?.[2].toLowerCase();
  if (name === 'feed') return 'arxiv-atom';
  if (name === 'rss') return 'arxiv-rss';
  const what = root ? `<${root[1] ?? ''}${root[2]}>` : 'no root element in the first bytes';
  const kind = extname(fileName).toLowerCase() === '.html' || name === 'html' ? 'HTML' : 'XML';
  throw new DumpRejectedError(fileName, null, `unsupported ${kind} document: root element ${what}, expected an Atom <feed> or an RSS <rss>`);
}
