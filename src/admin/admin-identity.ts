import { createHash } from 'node:crypto';
import type { Request } from 'express';

/**
 * Who did an admin action, for the logs: the first 8 hex characters of sha256(token). It tells
 * tokens apart (after a rotation, say) without ever putting a usable secret into a log line.
 */
export function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 8);
}

/** A request the admin guard (bearer token) or the admin page (session cookie) let through. */
export interface AdminRequest extends Request {
  adminId?: string;
  /** How the admin proved it: the API's bearer token or the page's session cookie. */
  adminVia?: 'token' | 'session';
}
