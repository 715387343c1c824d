import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ArgumentsHost, CanActivate, Catch, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PageErrorFilter } from '../web/page-error.filter.js';
import { tokenId, type AdminRequest } from './admin-identity.js';

const COOKIE = 'pb_admin';
const TTL_MS = 12 * 3600_000;

export class SignInRequiredError extends DomainError {
  readonly status = 401;
}

/**
 * The admin page's session: after the token is typed once, an HttpOnly, SameSite=Strict cookie
 * holds an expiry and its HMAC under SECRET_KEY, bound to the token's id. The token itself never
 * leaves the form post; changing ADMIN_TOKEN (or SECRET_KEY) ends every session.
 */
@Injectable()
export class AdminSessions {
  private readonly log = new Logger('Admin');
  private readonly key: Buffer;
  private readonly expected: Buffer;
  private readonly secure: boolean;
  readonly id: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(`admin-session:${config.secretKey}`);
    this.expected = sha256(config.adminToken);
    this.id = tokenId(config.adminToken);
    this.secure = config.publicUrl.startsWith('https://');
  }

  /** Checks a typed token in constant time; on success sets the session cookie. */
  signIn(req: Request, res: Response, token: string, now = Date.now()): boolean {
    if (!timingSafeEqual(sha256(token.trim()), this.expected)) {
      this.log.warn({ msg: 'admin sign-in refused', ip: req.ip });
      return false;
    }
    const expires = now + TTL_MS;
    res.cookie(COOKIE, `${expires}.${this.mac(expires)}`, { httpOnly: true, sameSite: 'strict', secure: this.secure, path: '/admin', maxAge: TTL_MS });
    this.log.log({ msg: 'admin signed in', who: this.id, ip: req.ip });
    return true;
  }

  signOut(res: Response): void {
    res.clearCookie(COOKIE, { httpOnly: true, sameSite: 'strict', secure: this.secure, path: '/admin' });
  }

  /** True when the request carries an unexpired session this server signed. */
  isSignedIn(req: Request, now = Date.now()): boolean {
    const value = (req.cookies as Record<string, unknown> | undefined)?.[COOKIE];
    const m = typeof value === 'string' ? /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
    if (!m || Number(m[1]) <= now) return false;
    return timingSafeEqual(Buffer.from(m[2]), Buffer.from(this.mac(Number(m[1]))));
  }

  private mac(expires: number): string {
    return createHmac('sha256', this.key).update(`${this.id}.${expires}`).digest('base64url');
  }
}

/** Admin page routes: a valid session, else the sign-in form (see AdminPageFilter). */
@Injectable()
export class AdminSessionGuard implements CanActivate {
  constructor(private readonly sessions: AdminSessions) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    if (!this.sessions.isSignedIn(req)) throw new SignInRequiredError('sign in to the admin page first');
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

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
