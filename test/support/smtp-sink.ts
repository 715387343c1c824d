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
  /**
   * When it answers true for a message, the sink never acknowledges it: the sender sees no 250,
   * so the message is not delivered (as when a process dies mid-DATA). Held messages are counted
   * in `held`, not in `messages`.
   */
  hold: ((raw: string) => boolean) | null = null;
  held = 0;
  private heldReplies: ((err?: Error) => void)[] = [];
  private heldWaiters: { count: number; resolve: () => void }[] = [];
  private server: SMTPServer;
  private waiters: { count: number; resolve: () => void }[] = [];
  port = 0;

  async start(options: Partial<SMTPServerOptions> = {}): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      closeTimeout: 200,
      logger: false,
      onRcptTo: (address, _session, cb) => {
        const verdict = this.reject?.(address.address);
        if (!verdict) return cb();
        const err = Object.assign(new Error(verdict.message), { responseCode: verdict.code });
        cb(err);
      },
      onData: (stream, session, cb) =>
        void this.receive(
          stream,
          session.envelope.rcptTo.map((r) => r.address),
        ).then((ack) => (ack ? cb() : this.heldReplies.push(cb)), cb),
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

  /** Resolves once `count` messages are being held unacknowledged. */
  waitForHeld(count: number): Promise<void> {
    if (this.held >= count) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push({ count, resolve }));
  }

  /** Answers every held message with a temporary failure (the sender retries it); senders that died hear nothing. */
  releaseHeld(code = 451): void {
    const replies = this.heldReplies;
    this.heldReplies = [];
    for (const reply of replies) reply(Object.assign(new Error('try again later'), { responseCode: code }));
  }

  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.envelopeTo.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async receive(stream: NodeJS.ReadableStream, envelopeTo: string[]): Promise<boolean> {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (this.hold?.(raw)) {
      this.held++;
      this.heldWaiters = this.heldWaiters.filter((w) => (this.held >= w.count ? (w.resolve(), false) : true));
      return false;
    }
    this.messages.push({ envelopeTo, raw, parsed: await simpleParser(raw) });
    this.waiters = this.waiters.filter((w) => (this.messages.length >= w.count ? (w.resolve(), false) : true));
    return true;
  }
}
