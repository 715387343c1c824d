/**
 * Domain errors thrown by services. One exception filter maps them to HTTP and the CLI maps
 * them to exit codes, so services never know which of the two called them.
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

export class NotFoundError extends DomainError {
  readonly status = 404;
}

export class ConflictError extends DomainError {
  readonly status = 409;
}

export class TooManyRequestsError extends DomainError {
  readonly status = 429;
}
