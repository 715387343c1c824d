import { describe, expect, it } from '@jest/globals';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { buildMessage } from '../../../src/mail/mime.js';

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

describe('buildMessage', () => {
  it('writes the message nodemailer would stream, byte for byte but its random ids, with its envelope and Message-ID', async () => {
    const built = buildMessage(digest)!;
    const streamed = await nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(digest);
    expect(stable(built.raw)).toBe(stable((streamed.message as Buffer).toString('utf8')));
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
