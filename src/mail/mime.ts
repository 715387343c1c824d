import type { SendMailOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type MimeNode from 'nodemailer/lib/mime-node';
import { quoteString } from 'nodemailer/lib/mime-funcs';

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
export function buildMessage(message: SendMailOptions): BuiltMessage | null {
  // The mailer adds these after composing: only List-* is done here (as mail-message.js does it).
  if (message.xMailer || message.priority) return null;
  const list = listHeaders(message.list);
  if (list === null) return null;
  const root = new MailComposer(message).compile();
  for (const [key, value] of list) root.addHeader(key, { prepared: true, foldLines: true, value });
  const raw = serialize(root);
  if (raw === null) return null;
  const envelope = root.getEnvelope() as { from: string | false; to: string[] };
  if (!envelope.from) return null;
  return { raw, envelope: { from: envelope.from, to: envelope.to }, messageId: root.messageId() };
}

/** What MimeNode.stream() writes for this node, as a string. */
function serialize(node: MimeNode): string | null {
  let out = node.buildHeaders() + '\r\n\r\n';
  const content = node.content;
  if (content !== undefined && content !== null && content !== '') {
    if (typeof content !== 'string' || !/^text\//i.test(node.contentType ?? '')) return null;
    const encoding = node.getTransferEncoding();
    if (encoding === 'quoted-printable') out += quotedPrintable(content);
    else if (encoding === '7bit' || encoding === false) out += content;
    else return null;
  }
  if (!node.multipart) return out;
  for (let i = 0; i < node.childNodes.length; i++) {
    const child = serialize(node.childNodes[i]);
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

/**
 * Quoted-printable (RFC 2045 §6.7) of a text part: printable ASCII as is, every other character as
 * its UTF-8 bytes `=XX`, whitespace before a line break or the end encoded, line breaks kept, and
 * soft breaks (`=` CRLF) so that no line is longer than 76 characters; never inside an `=XX`.
 */
export function quotedPrintable(s: string): string {
  let out = '';
  let run = 0; // start of the literal characters not yet copied to `out`
  let line = 0; // characters on the current output line
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13) {
      line = 0;
      continue;
    }
    const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 10;
    const literal = (c >= 33 && c <= 126 && c !== 61) || ((c === 32 || c === 9) && next !== 10 && next !== 13);
    if (literal) {
      if (line >= 75) {
        out += s.slice(run, i) + '=\r\n';
        run = i;
        line = 0;
      }
      line++;
      continue;
    }
    const code = s.codePointAt(i)!;
    if (code > 0xffff) i++;
    const escaped = escape(code);
    out += s.slice(run, i + 1 - (code > 0xffff ? 2 : 1));
    if (line + escaped.length > 75) {
      out += '=\r\n';
      line = 0;
    }
    out += escaped;
    line += escaped.length;
    run = i + 1;
  }
  return out + s.slice(run);
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
