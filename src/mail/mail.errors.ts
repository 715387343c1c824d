/**
 * Why a message was not sent, in the two classes the digest sender acts on:
 * - TemporaryMailError: try again later (4xx replies, refused/reset connections, timeouts, DNS).
 *   MailSetupError is a temporary error that is the operator's to fix (bad credentials, a sender
 *   the server refuses, an unwritable outbox): retrying helps only once fixed, and the recipient
 *   must never be marked bounced for it.
 * - PermanentMailError: the server refused this recipient or message for good (5xx on RCPT/DATA):
 *   mark the address bounced and stop mailing it.
 */
export abstract class MailError extends Error {
  abstract readonly permanent: boolean;
  constructor(
    message: string,
    /** SMTP reply code when there was one (e.g. 451, 550). */
    readonly responseCode: number | null = null,
    /** Nodemailer's or the system's error code (ECONNECTION, ETIMEDOUT, EAUTH, ENOSPC…). */
    readonly code: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class TemporaryMailError extends MailError {
  readonly permanent = false;
}

export class MailSetupError extends TemporaryMailError {}

export class PermanentMailError extends MailError {
  readonly permanent = true;
  declare readonly responseCode: number;
}

interface RawMailError {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  originalCode?: string;
  rejectedErrors?: RawMailError[];
}

// Replies to these commands are about the session or the sender, not about the recipient.
const SETUP_COMMANDS = /^(AUTH|MAIL FROM|EHLO|HELO|STARTTLS|CONN)/i;
const SETUP_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG', 'ETLS', 'EREQUIRETLS', 'EFILEACCESS', 'EURLACCESS']);
const FS_CODES = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EDQUOT']);

/** Turns whatever a transport threw into one of the classes above. */
export function classifyMailError(err: unknown): MailError {
  if (err instanceof MailError) return err;
  const e = (err ?? {}) as RawMailError;
  const detail = e.rejectedErrors?.[0] ?? e;
  const responseCode = detail.responseCode ?? e.responseCode ?? null;
  const code = e.code ?? null;
  const message = (detail.response ?? e.response ?? e.message ?? String(err)).replace(/\s+/g, ' ').trim();
  const opts = { cause: err };
  if (responseCode !== null && responseCode >= 500 && responseCode !== 503) {
    const command = detail.command ?? e.command ?? '';
    if (SETUP_COMMANDS.test(command) || (code !== null && SETUP_CODES.has(code))) {
      return new MailSetupError(`mail server refused the session: ${message}`, responseCode, code, opts);
    }
    return new PermanentMailError(message, responseCode, code, opts);
  }
  if (code !== null && (SETUP_CODES.has(code) || FS_CODES.has(code))) return new MailSetupError(message, responseCode, code, opts);
  return new TemporaryMailError(message, responseCode, code ?? e.originalCode ?? null, opts);
}
