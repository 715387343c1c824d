import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { AppConfig } from '../config/app-config.js';
import { buildMessage } from './mime.js';
import type { PieceText } from './mail-parts.types.js';

/** One way out for messages: an outbox folder or an SMTP server. */
export interface MailTransport {
  readonly kind: 'file' | 'smtp';
  /** `pieces`: parts of the message given in pieces (mail-parts.types.ts), for a transport that can use them. */
  send(message: SendMailOptions, pieces?: PieceText[]): Promise<{ messageId: string }>;
  /** Checks the transport can take mail now (a connection and greeting for SMTP). */
  verify(): Promise<void>;
  close(): Promise<void>;
}

/** What the outbox keeps next to each `.eml`, so listing and viewing need no MIME parser. */
export interface OutboxEntry {
  name: string;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  date: string;
  html: string;
  text: string;
}

export const OUTBOX_NAME = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/;

export function createMailTransport(config: AppConfig): MailTransport {
  const url = config.mail.transport;
  if (url.startsWith('file:')) return new FileTransport(outboxDir(config), config);
  return new SmtpTransport(url, config);
}

/** The outbox folder of a `file:` transport, or null for SMTP. */
export function outboxDirOf(config: AppConfig): string | null {
  return config.mail.transport.startsWith('file:') ? outboxDir(config) : null;
}

function outboxDir(config: AppConfig): string {
  return resolve(config.mail.transport.slice('file:'.length).replace(/^\/\/(?=\/)/, ''));
}

/**
 * `file:DIR`: each message is composed exactly as it would be sent (DKIM included) and written as
 * `<UTC time>-<random>.eml`. Files appear atomically (write to a dot-file, then rename), so the
 * outbox page or a watching tool never sees half a message.
 */
class FileTransport implements MailTransport {
  readonly kind = 'file';
  private readonly mailer: Transporter;

  constructor(
    private readonly dir: string,
    config: AppConfig,
  ) {
    this.mailer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...dkimOf(config) });
  }

  async send(message: SendMailOptions): Promise<{ messageId: string }> {
    const info = await this.mailer.sendMail(message);
    const now = new Date();
    const name = `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
    const entry: OutboxEntry = {
      name,
      messageId: info.messageId,
      from: String(message.from ?? ''),
      to: String(message.to ?? ''),
      subject: String(message.subject ?? ''),
      date: now.toISOString(),
      html: String(message.html ?? ''),
      text: String(message.text ?? ''),
    };
    await mkdir(this.dir, { recursive: true });
    await atomicWrite(join(this.dir, `${name}.json`), JSON.stringify(entry));
    await atomicWrite(join(this.dir, `${name}.eml`), info.message as Buffer);
    return { messageId: info.messageId };
  }

  async verify(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async close(): Promise<void> {
    this.mailer.close();
  }
}

/** `smtp://user:pass@host:port` or `smtps://…`: a pool of up to five connections, reused across messages. */
class SmtpTransport implements MailTransport {
  readonly kind = 'smtp';
  private readonly mailer: Transporter;

  constructor(url: string, config: AppConfig) {
    this.mailer = nodemailer.createTransport({
      url,
      pool: true,
      maxConnections: 5,
      maxMessages: 500,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
      ...dkimOf(config),
    });
  }

  async send(message: SendMailOptions, pieces: PieceText[] = []): Promise<{ messageId: string }> {
    const built = buildMessage(message, pieces);
    if (!built) return { messageId: (await this.mailer.sendMail(message)).messageId };
    await this.mailer.sendMail({ envelope: built.envelope, raw: built.raw });
    return { messageId: built.messageId };
  }

  async verify(): Promise<void> {
    await this.mailer.verify();
  }

  async close(): Promise<void> {
    this.mailer.close();
  }
}

/** Nodemailer's DKIM signer covers List-Unsubscribe and List-Unsubscribe-Post by default (RFC 8058 asks for both). */
function dkimOf(config: AppConfig): { dkim?: { domainName: string; keySelector: string; privateKey: string } } {
  return config.mail.dkim ? { dkim: { ...config.mail.dkim } } : {};
}

async function atomicWrite(path: string, data: string | Buffer): Promise<void> {
  const tmp = join(path, '..', `.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(tmp, data, { mode: 0o640 });
  await rename(tmp, path);
}
