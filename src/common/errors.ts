/**
 * The error hierarchy. Services throw these; `outcomeOf` below is the one place they become an
 * HTTP status, a message, response headers (Retry-After) and a CLI exit code, so services never
 * know which of the HTTP API, the pages or the CLI called them.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The CLI's exit code (PRODUCT.md): 2 when the caller's input is wrong, 1 when the work could not be done. */
  get exitCode(): 1 | 2 {
    return BAD_INPUT_STATUSES.has(this.status) ? 2 : 1;
  }

  /** The message an HTTP client reads. */
  get publicMessage(): string {
    return this.message;
  }
}

/** Statuses that mean "fix what you sent": bad input, a name that does not exist, too large, wrong type. */
const BAD_INPUT_STATUSES = new Set([400, 404, 413, 415]);

/** Bad input from the caller: HTTP 400, exit code 2. */
export class InvalidInputError extends DomainError {
  readonly status = 400;
}

/** Who is asking is not known (a missing or wrong credential). */
export class UnauthorizedError extends DomainError {
  readonly status = 401;
}

/** Known, or not needing to be, but not allowed (an expired form). */
export class ForbiddenError extends DomainError {
  readonly status = 403;
}

export class NotFoundError extends DomainError {
  readonly status = 404;
}

export class ConflictError extends DomainError {
  readonly status = 409;
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
}

export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  constructor(
    message: string,
    /** When to come back, sent as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds });
  }
}

/** What an error means to the outside: HTTP status, the message a client may read, headers, exit code. */
export interface ErrorOutcome {
  status: number;
  /** Safe to show: a 500 says nothing about its cause. */
  message: string;
  headers: Record<string, string>;
  exitCode: 1 | 2;
}

/**
 * The one mapping. Domain errors carry their status; Nest's HttpExceptions (guards) and body-parser's
 * errors (413 too large, 400 malformed JSON) carry theirs; anything else is an internal error.
 */
export function outcomeOf(err: unknown): ErrorOutcome {
  const { status, message } = statusAndMessage(err);
  const headers: Record<string, string> = {};
  if (err instanceof TooManyRequestsError && err.retryAfterSeconds !== undefined) headers['Retry-After'] = String(err.retryAfterSeconds);
  return { status, message, headers, exitCode: err instanceof DomainError ? err.exitCode : 1 };
}

function statusAndMessage(err: unknown): { status: number; message: string } {
  if (err instanceof DomainError) return { status: err.status, message: err.publicMessage };
  if (isHttpException(err)) {
    const body = err.getResponse();
    const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    return { status: err.getStatus(), message: Array.isArray(message) ? message.join('; ') : String(message ?? err.message) };
  }
  const e = err as { status?: number; message?: string };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return { status: e.status, message: e.message ?? 'bad request' };
  return { status: 500, message: 'internal error' };
}

/**
 * Nest's HttpException by its shape: importing @nestjs/common here would load all of it (~400 modules)
 * into every process that handles an error, the CLI's `--help` included.
 */
function isHttpException(err: unknown): err is Error & { getStatus(): number; getResponse(): string | object } {
  const e = err as { getStatus?: unknown; getResponse?: unknown } | null;
  return err instanceof Error && typeof e?.getStatus === 'function' && typeof e.getResponse === 'function';
}
