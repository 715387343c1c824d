import type { SendMailOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type MimeNode from 'nodemailer/lib/mime-node';
import { quoteString } from 'nodemailer/lib/mime-funcs';
import type { PieceText } from './mail-parts.types.js';

/** A whole message, ready for the wire, with its envelope and Message-ID. */
export interface BuiltMessage {
  raw: string;
  envelope: { from: string; to: string[] };
  messageId: string;
}

/**
 * Composes a message in one synchronous pass: nodemailer's MailComposer makes the MIME tree (so
 * headers, their encoding and folding, boundaries and Message-ID are nodemailer's own), and the
 * bodies are written here in one pass over the string (quotedPrintable), instead of through one
 * stream, encoder and pipe per part and tick: that machinery, with a Buffer copy of each part,
 * was most of a digest's cost on the wire. The message is then handed over as `raw` (DKIM still signs it) and reaches the
 * socket in one write. Null when a part is not plain text held in memory: send it the usual way.
 */
export function buildMessage(message: SendMailOptions, pieces: PieceText[] = []): BuiltMessage | null {
  // The mailer adds these after composing: only List-* is done here (as mail-message.js does it).
  if (message.xMailer || message.priority) return null;
  const list = listHeaders(message.list);
  if (list === null) return null;
  const root = new MailComposer(message).compile();
  for (const [key, value] of list) root.addHeader(key, { prepared: true, foldLines: true, value });
  const raw = serialize(root, pieces);
  if (raw === null) return null;
  const envelope = root.getEnvelope() as { from: string | false; to: string[] };
  if (!envelope.from) return null;
  return { raw, envelope: { from: envelope.from, to: envelope.to }, messageId: root.messageId() };
}

/** What MimeNode.stream() writes for this node, as a string. */
function serialize(node: MimeNode, pieces: PieceText[]): string | null {
  let out = node.buildHeaders() + '\r\n\r\n';
  const content = node.content;
  if (content !== undefined && content !== null && content !== '') {
    if (typeof content !== 'string' || !/^text\//i.test(node.contentType ?? '')) return null;
    const encoding = node.getTransferEncoding();
    // A part given in pieces is the very string of its PieceText (toString() keeps it): compared by reference first.
    const given = pieces.find((p) => p.toString() === content);
    if (encoding === 'quoted-printable') out += given ? encodePieces(given) : quotedPrintable(content);
    else if (encoding === '7bit' || encoding === false) out += content;
    else return null;
  }
  if (!node.multipart) return out;
  for (let i = 0; i < node.childNodes.length; i++) {
    const child = serialize(node.childNodes[i], pieces);
    if (child === null) return null;
    out += `${i > 0 ? '\r\n' : ''}--${node.boundary}\r\n${child}`;
  }
  return `${out}\r\n--${node.boundary}--\r\n`;
}

type ListValue = string | { url: string; comment?: string };

/** `list: {unsubscribe: url, id: {url, comment}}` as nodemailer's mailer writes it; null for any other shape. */
function listHeaders(list: SendMailOptions['list']): [string, string][] | null {
  const out: [string, string][] = [];
  for (const [key, given] of Object.entries(list ?? {}) as [string, ListValue | undefined][]) {
    if (given === undefined) continue;
    if (Array.isArray(given)) return null;
    const { url, comment } = typeof given === 'string' ? { url: given, comment: undefined } : given;
    const name = `list-${key.toLowerCase().trim()}`;
    // List-ID names a bare domain-like identifier; every other List-* header an http(s) link.
    const fits = name === 'list-id' ? /^[\w.-]+$/.test(url) : /^https?:\/\/[^\s<>\x00-\x1f\x7f]+$/.test(url);
    if (!fits || (comment !== undefined && !/^[\x20-\x7e]*$/.test(comment))) return null;
    if (name === 'list-id') out.push([name, `${comment ? `${quoteString(comment)} ` : ''}<${url}>`]);
    else out.push([name, `<${url}>${comment ? ` (${comment.replace(/[()\\]/g, '\\$&')})` : ''}`]);
  }
  return out;
}

const HEX = '0123456789ABCDEF';

/** What quoted-printable cannot leave as is: non-ASCII, `=`, controls, whitespace ending a line, a CR that is no line break. */
const NOT_LITERAL = /[\ud800-\udbff][\udc00-\udfff]|[^\x21-\x3c\x3e-\x7e \t\r\n]|[ \t](?=\r?\n|$)|\r(?!\n)/g;
/** Escapes by character: HTML has an `=` in every attribute, and few distinct non-ASCII characters. */
const escapes = new Map<string, string>();

/**
 * Quoted-printable (RFC 2045 §6.7) of a text part: printable ASCII as is, every other character as
 * its UTF-8 bytes `=XX`, whitespace before a line break or the end encoded, line breaks kept, and
 * soft breaks (`=` CRLF) so that no line is longer than 76 characters; never inside an `=XX`.
 * One regex pass and one slice per output line: most of a digest is ASCII on very long lines.
 */
export function quotedPrintable(s: string, width = 76): string {
  const e = s.replace(NOT_LITERAL, escapeOf);
  let out = '';
  let pos = 0;
  let nl = e.indexOf('\n');
  while (pos < e.length) {
    if (nl !== -1 && nl < pos) nl = e.indexOf('\n', pos);
    const end = nl === -1 ? e.length : nl > pos && e.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (end - pos <= width) {
      const next = nl === -1 ? e.length : nl + 1;
      out += e.slice(pos, next);
      pos = next;
      continue;
    }
    // width - 1 characters and the soft break's `=`; an `=XX` the cut would split goes to the next line
    let cut = pos + width - 1;
    if (e.charCodeAt(cut - 1) === 61) cut -= 1;
    else if (e.charCodeAt(cut - 2) === 61) cut -= 2;
    out += e.slice(pos, cut) + '=\r\n';
    pos = cut;
  }
  return out;
}

/** Encodings of shared pieces, by the object naming them (a skeleton's): gone with it. */
const sharedEncodings = new WeakMap<object, string[]>();

/**
 * Quoted-printable of a part in pieces: each piece encoded on its own (the shared ones once, then
 * kept), lines of at most 75 characters, and a soft break (`=` CRLF) between pieces, so that each
 * starts a line of its own and no line passes 76. Decoded, it is the joined text, as one encoding would give.
 */
function encodePieces(text: PieceText): string {
  let kept = sharedEncodings.get(text.shared);
  if (!kept) sharedEncodings.set(text.shared, (kept = []));
  let out = '';
  text.pieces.forEach((piece, i) => {
    if (piece === '') return;
    const encoded = i % 2 === 0 ? (kept[i] ??= quotedPrintable(piece, 75)) : quotedPrintable(piece, 75);
    out += out === '' ? encoded : `=\r\n${encoded}`;
  });
  return out;
}

function escapeOf(ch: string): string {
  let found = escapes.get(ch);
  if (found === undefined) {
    if (escapes.size >= 4096) escapes.clear();
    escapes.set(ch, (found = escape(ch.codePointAt(0)!)));
  }
  return found;
}

/** `=XX` for each UTF-8 byte of a code point (a lone surrogate as U+FFFD, as Buffer.from does). */
function escape(code: number): string {
  if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
  const bytes =
    code < 0x80
      ? [code]
      : code < 0x800
        ? [0xc0 | (code >> 6), 0x80 | (code & 63)]
        : code < 0x10000
          ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63)]
          : [0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63)];
  let out = '';
  for (const b of bytes) out += `=${HEX[b >> 4]}${HEX[b & 15]}`;
  return out;
}
