import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

export class CsrfError extends DomainError {
  readonly status = 403;
}

const COOKIE = 'pb_csrf';
const FIELD = '_csrf';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * CSRF protection for the HTML forms (not the one-click unsubscribe POST, which RFC 8058 wants
 * cookie-less): a random value in an HttpOnly, SameSite=Lax cookie, and in each form its HMAC
 * under SECRET_KEY. A cross-site page can neither read the cookie nor compute the field.
 */
@Injectable()
export class CsrfTokens {
  private readonly key: Buffer;
  private readonly secure: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(`csrf:${config.secretKey}`);
    this.secure = config.publicUrl.startsWith('https://');
  }

  /** The form field value for this visitor; sets the cookie when there is none yet. */
  issue(req: Request, res: Response): string {
    let value = cookieOf(req);
    if (!value) {
      value = randomBytes(32).toString('base64url');
      res.cookie(COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/', maxAge: 7 * 24 * 3600 * 1000 });
    }
    return this.fieldFor(value);
  }

  check(req: Request): void {
    const value = cookieOf(req);
    const given = (req.body as Record<string, unknown> | undefined)?.[FIELD];
    if (!value || typeof given !== 'string' || given.length > 100) throw expired();
    const a = Buffer.from(given);
    const b = Buffer.from(this.fieldFor(value));
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw expired();
  }

  private fieldFor(cookie: string): string {
    return createHmac('sha256', this.key).update(cookie).digest('base64url');
  }
}

/** Guards a form route: 403 unless the CSRF field matches the cookie. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly tokens: CsrfTokens) {}

  canActivate(context: ExecutionContext): boolean {
    this.tokens.check(context.switchToHttp().getRequest<Request>());
    return true;
  }
}

function cookieOf(req: Request): string | null {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[COOKIE];
  return typeof value === 'string' && COOKIE_VALUE.test(value) ? value : null;
}

function expired(): CsrfError {
  return new CsrfError('this form has expired or was sent from another site; reload the page and try again');
}
