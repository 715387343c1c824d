import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

/**
 * A real SMTP server on loopback that parses every message it accepts. `reject` lets a test
 * answer a recipient with an SMTP error (e.g. 451 or 550) to exercise retries and bounces.
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  reject: ((rcpt: string) => { code: number; message: string } | null) | null = null;
  private server: SMTPServer;
  private waiters: { count: number; resolve: () => void }[] = [];
  port = 0;

  async start(options: Partial<SMTPServerOptions> = {}): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, cb) => {
        const verdict = this.reject?.(address.address);
        if (!verdict) return cb();
        const err = Object.assign(new Error(verdict.message), { responseCode: verdict.code });
        cb(err);
      },
      onData: (stream, session, cb) => void this.receive(stream, session.envelope.rcptTo.map((r) => r.address)).then(() => cb(), cb),
      ...options,
    });
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Resolves once `count` messages in total have arrived. */
  waitFor(count: number): Promise<void> {
    if (this.messages.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.envelopeTo.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async receive(stream: NodeJS.ReadableStream, envelopeTo: string[]): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    this.messages.push({ envelopeTo, raw, parsed: await simpleParser(raw) });
    this.waiters = this.waiters.filter((w) => (this.messages.length >= w.count ? (w.resolve(), false) : true));
  }
}
