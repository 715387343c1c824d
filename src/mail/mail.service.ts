import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import type { SendMailOptions } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { HealthService } from '../health/health.service.js';
import { classifyMailError } from './mail.errors.js';
import { createMailTransport, type MailTransport } from './mail.transport.js';
import { PieceText, textOf } from './mail-parts.types.js';
import { TokenBucket } from './token-bucket.js';

/** One message to one person. HTML and text are both required: every Paperboy email has both parts. */
export interface OutgoingMail {
  to: string;
  subject: string;
  /** Either part may come in pieces (mail-parts.types.ts): the same text, with its shared pieces encoded once. */
  html: string | PieceText;
  text: string | PieceText;
  /**
   * For mail to subscribers: the one-click target. Adds `List-Unsubscribe: <url>`,
   * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` and `List-Id`.
   */
  unsubscribeUrl?: string;
  /** Extra headers (e.g. `X-Paperboy-Digest`); names must be tokens, values are made single-line. */
  headers?: Record<string, string>;
}

const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,76}$/;
const RESERVED = /^(from|to|cc|bcc|subject|date|message-id|list-.*|content-.*|mime-version|dkim-signature)$/i;

/**
 * The only way Paperboy sends mail. Throws TemporaryMailError / MailSetupError /
 * PermanentMailError (see mail.errors.ts) so callers decide between retrying and bouncing.
 */
@Injectable()
export class MailService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('Mail');
  private readonly transport: MailTransport;
  private readonly bucket: TokenBucket | null;
  private readonly listId: { url: string; comment: string };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly health?: HealthService,
  ) {
    this.transport = createMailTransport(config);
    this.bucket = config.mail.ratePerSecond > 0 ? new TokenBucket(config.mail.ratePerSecond) : null;
    this.listId = { url: `papers.${new URL(config.publicUrl).hostname}`, comment: 'Paperboy digests' };
  }

  get transportKind(): 'file' | 'smtp' {
    return this.transport.kind;
  }

  onModuleInit(): void {
    if (this.transport.kind === 'smtp') this.health?.add('smtp', () => this.transport.verify());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const message = this.compose(mail);
    await this.bucket?.take();
    try {
      return await this.transport.send(
        message,
        [mail.html, mail.text].filter((p): p is PieceText => p instanceof PieceText),
      );
    } catch (err) {
      const classified = classifyMailError(err);
      this.log.warn({ msg: 'mail not sent', kind: classified.name, code: classified.code, responseCode: classified.responseCode, error: classified.message });
      throw classified;
    }
  }

  private compose(mail: OutgoingMail): SendMailOptions {
    const to = singleLine(mail.to);
    if (!to || /[\s,;<>]/.test(to)) throw new Error(`one plain address expected in "to", got "${to}"`);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(mail.headers ?? {})) {
      if (!HEADER_NAME.test(name) || RESERVED.test(name)) throw new Error(`header "${name}" cannot be set this way`);
      headers[name] = singleLine(value);
    }
    // Quoted-printable always: nodemailer would otherwise count the characters of every part and
    // header to choose between it and base64 (a tenth of a digest's cost); our parts are mostly ASCII.
    const message: SendMailOptions = {
      from: this.config.mail.from,
      to,
      subject: singleLine(mail.subject),
      html: textOf(mail.html),
      text: textOf(mail.text),
      headers,
      textEncoding: 'quoted-printable',
    };
    if (mail.unsubscribeUrl) {
      const url = singleLine(mail.unsubscribeUrl);
      if (!/^https?:\/\/[^\s<>]+$/.test(url)) throw new Error('unsubscribeUrl must be an http(s) URL');
      message.list = { unsubscribe: url, id: this.listId };
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    }
    return message;
  }
}

/**
 * Header values built from user input stay on one line: CR, LF and other control characters
 * become spaces, so nobody can inject a header or a body through a subject or a name.
 */
export function singleLine(value: string): string {
  return String(value)
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
