import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The status answered, or null while held (never answered). */
  status: number | null;
  at: number;
}

/** What to answer the n-th request (0-based): a status (and headers), or 'hold' to never answer it. */
export type Responder = (req: SinkRequest, n: number) => { status: number; headers?: Record<string, string>; body?: string } | 'hold';

/** A real HTTP receiver on 127.0.0.1 standing in for Slack, Discord or any webhook URL. */
export class HttpSink {
  readonly requests: SinkRequest[] = [];
  respond: Responder = () => ({ status: 200, body: 'ok' });
  private server: Server | null = null;
  private readonly held: ServerResponse[] = [];
  private waiters: (() => void)[] = [];

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests answered 2xx. */
  get delivered(): SinkRequest[] {
    return this.requests.filter((r) => r.status !== null && r.status >= 200 && r.status < 300);
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    this.server = null;
  }

  /** Resolves once `pred` holds over the requests seen, checked after each request. */
  async until(pred: (requests: SinkRequest[]) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.requests)) {
      if (Date.now() > deadline) throw new Error(`http sink: condition not met after ${timeoutMs} ms; saw ${this.requests.length} requests`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const entry: SinkRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      status: null,
      at: Date.now(),
    };
    const answer = this.respond(entry, this.requests.length);
    this.requests.push(entry);
    if (answer === 'hold') this.held.push(res);
    else {
      entry.status = answer.status;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
