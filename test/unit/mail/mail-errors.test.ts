import { describe, expect, it } from '@jest/globals';
import { classifyMailError, MailSetupError, PermanentMailError, TemporaryMailError } from '../../../src/mail/mail.errors.js';

describe('classifyMailError', () => {
  it('treats a 5xx refusal of the recipient or message as permanent, keeping the code', () => {
    const err = classifyMailError({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 no such user' });
    expect(err).toBeInstanceOf(PermanentMailError);
    expect(err.responseCode).toBe(550);
    expect(err.message).toBe('550 5.1.1 no such user');
  });

  it('treats 4xx replies, 503 and broken connections as temporary', () => {
    expect(classifyMailError({ code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO' })).toBeInstanceOf(TemporaryMailError);
    expect(classifyMailError({ code: 'EPROTOCOL', responseCode: 503 })).toBeInstanceOf(TemporaryMailError);
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS']) {
      const err = classifyMailError({ code, message: 'connect ECONNREFUSED 127.0.0.1:1' });
      expect(err).toBeInstanceOf(TemporaryMailError);
      expect(err).not.toBeInstanceOf(MailSetupError);
      expect(err.permanent).toBe(false);
    }
  });

  it('never blames the recipient for the operator’s setup (auth, sender, outbox folder)', () => {
    expect(classifyMailError({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' })).toBeInstanceOf(MailSetupError);
    expect(classifyMailError({ code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM' })).toBeInstanceOf(MailSetupError);
    expect(classifyMailError(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toBeInstanceOf(MailSetupError);
  });

  it('reads the per-recipient error of a rejected envelope', () => {
    const err = classifyMailError({
      code: 'EENVELOPE',
      message: "Can't send mail - all recipients were rejected",
      rejectedErrors: [{ responseCode: 552, command: 'RCPT TO', response: '552 mailbox full' }],
    });
    expect(err).toBeInstanceOf(PermanentMailError);
    expect(err.responseCode).toBe(552);
  });
});
