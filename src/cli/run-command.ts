import { outcomeOf } from '../common/errors.js';
import { environment } from '../config/environment.js';
import { note } from './output.js';

/** Exit codes of every command (PRODUCT.md): 0 success, 1 the work failed, 2 bad usage or bad input. */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

export class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** The exit code an error means: the hierarchy's (`outcomeOf`, common/errors.ts; ConfigError and DumpRejectedError among them), or an ExitError's own. */
export function exitCodeOf(err: unknown): number {
  return err instanceof ExitError ? err.code : outcomeOf(err).exitCode;
}

/** Runs a command's action, turning its errors into a message on stderr and the contract's exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = (await fn(...args)) ?? EXIT.ok;
    } catch (err) {
      process.exitCode = exitCodeOf(err);
      note(`error: ${err instanceof Error ? err.message : String(err)}`);
      if (process.exitCode === EXIT.failed && err instanceof Error && environment().DEBUG) note(err.stack ?? '');
    }
  };
}
