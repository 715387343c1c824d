import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../../src/config/config.loader.js';
import { PermanentMailError, TemporaryMailError } from '../../src/mail/mail.errors.js';
import { MailService, type OutgoingMail } from '../../src/mail/mail.service.js';
import { SmtpSink } from '../support/smtp-sink.js';

let sink: SmtpSink;
const services: MailService[] = [];

beforeAll(async () => {
  Logger.overrideLogger(false); // the refusals below are expected
  sink = await new SmtpSink().start();
  sink.reject = (rcpt) =>
    rcpt.startsWith('full')
      ? { code: 452, message: '4.2.2 mailbox full, try later' }
      : rcpt.startsWith('gone')
        ? { code: 550, message: '5.1.1 user unknown' }
        : null;
});
afterAll(async () => {
  for (const s of services) await s.onApplicationShutdown();
  await sink?.stop();
});

function mailService(transport: string, env: Record<string, string> = {}): MailService {
  const config = loadConfig({
    NODE_ENV: 'test',
    MAIL_TRANSPORT: transport,
    SECRET_KEY: 's'.repeat(40),
    ADMIN_TOKEN: 'a'.repeat(40),
    VAR_DIR: '/tmp/paperboy-mail-test',
    ...env,
  });
  const service = new MailService(config);
  services.push(service);
  return service;
}

const message = (to: string, extra: Partial<OutgoingMail> = {}): OutgoingMail => ({
  to,
  subject: 'Hello',
  html: '<p>Hello</p>',
  text: 'Hello',
  unsubscribeUrl: 'https://papers.example.org/unsubscribe/tok',
  ...extra,
});

describe('MailService over SMTP', () => {
  it('sends both parts with the List-* headers and returns the Message-ID', async () => {
    const { messageId } = await mailService(sink.url).send(message('ann@example.org'));
    await sink.waitFor(1);
    const got = sink.to('ann@example.org')[0];
    expect(got.parsed.messageId).toBe(messageId);
    expect(got.parsed.html).toContain('<p>Hello</p>');
    expect(got.parsed.text?.trim()).toBe('Hello');
    expect(got.raw).toMatch(/^List-Unsubscribe: <https:\/\/papers\.example\.org\/unsubscribe\/tok>\r$/m);
    expect(got.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
  });

  it('keeps header values built from input on one line', async () => {
    const count = sink.messages.length;
    await mailService(sink.url).send(message('bob@example.org', { subject: 'Hi\r\nBcc: evil@example.org', headers: { 'X-Topic': 'a\nb' } }));
    await sink.waitFor(count + 1);
    const got = sink.to('bob@example.org')[0];
    expect(got.envelopeTo).toEqual(['bob@example.org']);
    expect(got.parsed.subject).toBe('Hi Bcc: evil@example.org');
    expect(got.raw).not.toMatch(/^Bcc:/im);
    expect(got.raw).toMatch(/^X-Topic: a b\r$/m);
  });

  it('classifies 4xx as temporary and 5xx as permanent, with the reply code', async () => {
    const service = mailService(sink.url);
    await expect(service.send(message('full@example.org'))).rejects.toMatchObject({ constructor: TemporaryMailError, responseCode: 452 });
    const permanent = await service.send(message('gone@example.org')).catch((e: unknown) => e);
    expect(permanent).toBeInstanceOf(PermanentMailError);
    expect(permanent).toMatchObject({ responseCode: 550, permanent: true });
  });

  it('classifies a refused connection as temporary', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const err = await mailService(`smtp://127.0.0.1:${port}`)
      .send(message('carl@example.org'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporaryMailError);
    expect(err).toMatchObject({ permanent: false, responseCode: null });
  });

  it('holds MAIL_RATE_PER_SECOND', async () => {
    const service = mailService(sink.url, { MAIL_RATE_PER_SECOND: '5' });
    const start = Date.now();
    await Promise.all(Array.from({ length: 8 }, (_, i) => service.send(message(`rate${i}@example.org`))));
    // Five go at once, the other three at 5 per second: at least 600 ms in all.
    expect(Date.now() - start).toBeGreaterThanOrEqual(580);
  });
});
