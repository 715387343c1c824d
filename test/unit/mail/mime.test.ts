import { describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { encode, wrap } from 'nodemailer/lib/qp';
import { buildMessage, quotedPrintable } from '../../../src/mail/mime.js';
import { PieceText } from '../../../src/mail/mail-parts.types.js';

/** What differs between two compositions of one message: its random ids, boundary and date. */
function stable(raw: string): string {
  return raw
    .replace(/<[0-9a-f-]{36}@[^>]+>/g, '<ID>')
    .replace(/--_NmP-[0-9a-f]+-Part_\d+/g, 'BOUNDARY')
    .replace(/^Date: .*$/m, 'Date: DATE')
    .replace(/\r\n/g, '\n');
}

const digest: SendMailOptions = {
  from: 'Paperboy <papers@localhost>',
  to: 'reader@example.org',
  subject: '12 new papers: Reasoning and RL for LLMs · Vision-language models, a subject long enough to be folded',
  html: `<p style="margin:0">Ring-Zero = scaling zero RL · 71 upvotes … </p>${'<a href="https://example.org/feedback/abc.def">More like this</a>'.repeat(20)}`,
  text: `12 new papers for you \n\n1. Ring-Zero: Scaling Zero RL — é\n   ${'https://example.org/feedback/Mi52Lm14N3F0YXV0Lm5kM2F5MWl0Lm0z.XuJhplScFEK '.repeat(4)}\n.\n`,
  headers: { 'X-Paperboy-Digest': '7', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  list: { unsubscribe: 'https://example.org/unsubscribe/abc.def', id: { url: 'papers.example.org', comment: 'Paperboy "digests"' } },
  textEncoding: 'quoted-printable',
};

/** The message as a reader's mail program sees it. */
async function read(raw: string | Buffer) {
  const m = await simpleParser(raw);
  return { headers: [...m.headers.entries()].filter(([k]) => !['date', 'message-id', 'content-type'].includes(k)), html: m.html, text: m.text };
}

/** Decodes a quoted-printable part the way mail programs do, through mailparser. */
async function decode(qp: string): Promise<string> {
  return (await simpleParser(`Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp}`)).text!;
}

describe('quotedPrintable', () => {
  const samples = [
    'plain ASCII, short',
    'a = sign, trailing space \nand tab\t\nend with space ',
    `${'x'.repeat(74)}=${'y'.repeat(200)}`,
    `non-ASCII · é — 日本語 😀 ${'é'.repeat(60)} and a lone surrogate \ud800 end`,
    `<p style="margin:0">${'<a href="https://example.org/feedback/Mi52Lm14N3F0YXV0.XuJhplScFEK">More</a>'.repeat(30)}</p>`,
    'CRLF line\r\nbreaks\r\n\r\nkept\r\n',
  ];

  it('decodes back to the text, and keeps every line within 76 characters', async () => {
    for (const text of samples) {
      const qp = quotedPrintable(text);
      for (const line of qp.split(/\r?\n/)) expect(line.length).toBeLessThanOrEqual(76);
      expect(qp).not.toMatch(/[^\t\r\n\x20-\x7e]/);
      expect(qp).not.toMatch(/[ \t](\r?\n|$)/);
      // what nodemailer's own encoder gives, read back the same way
      expect(await decode(qp)).toBe(await decode(wrap(encode(text), 76)));
      expect(await decode(qp)).toContain(
        text
          .trim()
          .split(/\r?\n/)[0]
          .replace(/\ud800/, '\ufffd')
          .trim(),
      );
    }
  });
});

describe('buildMessage with parts in pieces', () => {
  // A skeleton's shared pieces (even indexes) and one reader's values (odd), as digest-skeleton.ts gives them.
  const shared = ['<p>Ring-Zero = scaling · é ', 'x', ` trailing space `, 'x', `${'<a href="https://example.org/a">More</a>'.repeat(8)}`, 'x', ''];
  const reader = (n: number) => [`https://example.org/feedback/${'Mi52Lm14N3F0YXV0'.repeat(n)}.Xu=J`, `reader${n}@example.org`, 'é'.repeat(n * 10)];
  const text = (n: number) =>
    new PieceText(
      shared.map((p, i) => (i % 2 === 0 ? p : reader(n)[(i - 1) / 2])),
      shared,
    );

  it('encodes the text a single encoding gives, each line within 76 characters, for readers of different values', async () => {
    for (const n of [1, 3, 9]) {
      const html = text(n);
      const built = buildMessage({ ...digest, html: html.toString() }, [html])!;
      const whole = buildMessage({ ...digest, html: html.toString() })!;
      for (const line of built.raw.split(/\r?\n/)) expect(line.length).toBeLessThanOrEqual(76);
      expect(built.raw).not.toMatch(/[^\t\r\n\x20-\x7e]/);
      expect(await read(built.raw)).toEqual(await read(whole.raw));
      expect((await simpleParser(built.raw)).html).toBe(html.toString());
    }
  });

  it('is the plain encoding for a part the pieces do not match', async () => {
    const built = buildMessage(digest, [text(2)])!;
    expect(await read(built.raw)).toEqual(await read(buildMessage(digest)!.raw));
  });
});

describe('buildMessage', () => {
  it('writes the message nodemailer would stream (its headers byte for byte), with its envelope and Message-ID', async () => {
    const built = buildMessage(digest)!;
    const streamed = ((await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(digest)).message as Buffer).toString('utf8');
    const head = (raw: string) => stable(raw).split('\n\n')[0];
    expect(head(built.raw)).toBe(head(streamed));
    expect(await read(built.raw)).toEqual(await read(streamed));
    expect(built.envelope).toEqual({ from: 'papers@localhost', to: ['reader@example.org'] });
    expect(built.raw).toContain(`Message-ID: ${built.messageId}\r\n`);
    expect(built.raw).toMatch(/^List-Unsubscribe: <https:\/\/example.org\/unsubscribe\/abc.def>\r$/m);
  });

  it('leaves what it does not write itself to nodemailer', () => {
    expect(buildMessage({ ...digest, attachments: [{ filename: 'a.bin', content: Buffer.from([0, 1, 2]) }] })).toBeNull();
    expect(buildMessage({ ...digest, priority: 'high' })).toBeNull();
    expect(buildMessage({ ...digest, list: { unsubscribe: 'mailto:off@example.org' } })).toBeNull();
  });
});
