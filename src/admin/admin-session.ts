import { randomBytes } from 'node:crypto';
import { ArgumentsHost, CanActivate, Catch, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { UnauthorizedError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { clientKey, RateLimitedError, WindowCounter } from '../subscribers/subscribe.limiter.js';
import { PageErrorFilter, sameSecret, sha256, Signer } from '../http/index.js';
import { tokenId, type AdminRequest } from './admin-identity.js';
import { AdminSessionRepository } from './admin-session.repository.js';

const COOKIE = 'pb_admin';
const TTL_MS = 12 * 3600_000;
/** Sign-in attempts per client network (IPv6 per /64) per window, right or wrong. */
export const SIGN_IN_ATTEMPTS = 10;
const SIGN_IN_WINDOW_MS = 15 * 60_000;

export class SignInRequiredError extends UnauthorizedError {}

/**
 * The admin page's session: after the token is typed once, an HttpOnly, SameSite=Strict cookie
 * holds a random session value. The server keeps only its `admin-session` MAC under SECRET_KEY (src/common/signing.ts) (table
 * `admin_sessions`) with the expiry and the id of the token it was opened with, so signing out
 * deletes the session for good (a copied cookie stops working), and changing ADMIN_TOKEN or
 * SECRET_KEY ends every session. Sign-in attempts are throttled per client network with the
 * subscribe limiter's window counter.
 */
@Injectable()
export class AdminSessions {
  private readonly log = new Logger('Admin');
  private readonly signer: Signer;
  private readonly expected: Buffer;
  private readonly secure: boolean;
  private readonly attempts = new WindowCounter(SIGN_IN_ATTEMPTS, SIGN_IN_WINDOW_MS);
  readonly id: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: AdminSessionRepository,
  ) {
    this.signer = new Signer(config.secretKey);
    this.expected = sha256(config.adminToken);
    this.id = tokenId(config.adminToken);
    this.secure = config.publicUrl.startsWith('https://');
  }

  /** Checks a typed token in constant time; on success opens a session and sets its cookie. RateLimitedError past the attempts. */
  async signIn(req: Request, res: Response, token: string, now = Date.now()): Promise<boolean> {
    const wait = this.attempts.hit(clientKey(req.ip ?? 'unknown'), now);
    if (wait) {
      this.log.warn({ msg: 'admin sign-in throttled', ip: req.ip });
      throw new RateLimitedError(`too many sign-in attempts from your network; try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? 's' : ''}`, wait);
    }
    if (!sameSecret(token.trim(), this.expected)) {
      this.log.warn({ msg: 'admin sign-in refused', ip: req.ip });
      return false;
    }
    const value = randomBytes(32).toString('base64url');
    const expires = now + TTL_MS;
    await this.sessions.open(this.mac(value), this.id, now, expires);
    res.cookie(COOKIE, value, { httpOnly: true, sameSite: 'strict', secure: this.secure, path: '/admin', maxAge: TTL_MS });
    this.log.log({ msg: 'admin signed in', who: this.id, ip: req.ip });
    return true;
  }

  /** Ends the session server-side, whoever else holds a copy of its cookie, and clears the cookie. */
  async signOut(req: Request, res: Response): Promise<void> {
    const value = cookieOf(req);
    if (value) await this.sessions.close(this.ids(value));
    res.clearCookie(COOKIE, { httpOnly: true, sameSite: 'strict', secure: this.secure, path: '/admin' });
  }

  /** True when the request carries a session this server opened, not ended and not expired. */
  async isSignedIn(req: Request, now = Date.now()): Promise<boolean> {
    const value = cookieOf(req);
    if (!value) return false;
    return this.sessions.isOpen(this.ids(value), this.id, now);
  }

  private mac(value: string): string {
    return this.signer.mac('admin-session', value).toString('hex');
  }

  /** The row ids a session value may have: this scheme's, and the one of a session opened before it. */
  private ids(value: string): string[] {
    return this.signer.accepted('admin-session', value).map((mac) => mac.toString('hex'));
  }
}

function cookieOf(req: Request): string | null {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[COOKIE];
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

/** Admin page routes: a valid session, else the sign-in form (see AdminPageFilter). */
@Injectable()
export class AdminSessionGuard implements CanActivate {
  constructor(private readonly sessions: AdminSessions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    if (!(await this.sessions.isSignedIn(req))) throw new SignInRequiredError('sign in to the admin page first');
    req.adminId = this.sessions.id;
    req.adminVia = 'session';
    return true;
  }
}

/** The public pages' error pages, except that a missing or expired session leads back to the sign-in form. */
@Catch()
export class AdminPageFilter extends PageErrorFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof SignInRequiredError && !res.headersSent) {
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, '/admin');
      return;
    }
    super.catch(err, host);
  }
}
