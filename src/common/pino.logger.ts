import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

/** Nest's logger as structured JSON lines (pino). The CLI logs to stderr so stdout stays for results. */
export class PinoLogger implements LoggerService {
  private readonly pino: Logger;

  constructor(level: string, fd: 1 | 2) {
    this.pino = pino({ level, base: undefined }, pino.destination({ fd, sync: true }));
  }

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', message, context ?? trace, context ? trace : undefined);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, context?: string, stack?: string): void {
    const fields = typeof message === 'object' && message !== null ? { ...message } : { msg: String(message) };
    this.pino[level]({ context, ...(stack ? { stack } : {}), ...fields });
  }
}
