import type { LoggerService } from '@nestjs/common';
import { isatty } from 'node:tty';
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Nest's logger: structured JSON lines (pino) for log collectors, one readable line each on a terminal.
 * The CLI logs to stderr so stdout stays for results.
 */
export class PinoLogger implements LoggerService {
  private readonly pino: Logger;

  constructor(level: string, fd: 1 | 2, pretty: boolean = isatty(fd)) {
    const json = pino.destination({ fd, sync: true });
    this.pino = pino({ level, base: undefined }, pretty ? prettyLines(json) : json);
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

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Rewrites each JSON line as `HH:MM:SS LEVEL [context] message key=value…`, the stack on the lines below. */
function prettyLines(out: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      const { level, time, context, msg, stack, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const clock = new Date(Number(time)).toISOString().slice(11, 19);
      const fields = Object.entries(rest).map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      const head = `${clock} ${(LEVELS[Number(level)] ?? String(level)).padEnd(5)}${context ? ` [${String(context)}]` : ''} ${String(msg ?? '')}`;
      out.write(`${head}${fields.join('')}\n${stack ? `${String(stack)}\n` : ''}`);
    },
  };
}
