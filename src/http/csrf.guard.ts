import { randomBytes } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ForbiddenError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Signer } from '../common/signing.js';

export class CsrfError extends ForbiddenError {}

const COOKIE = 'pb_csrf';
const FIELD = '_csrf';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;
const BASE64URL_MAC = /^[A-Za-z0-9_-]{43}$/;

/**
 * CSRF protection for the HTML forms (not the one-click unsubscribe POST, which RFC 8058 wants
 * cookie-less): a random value in an HttpOnly, SameSite=Lax cookie, and in each form its `csrf`
 * MAC under SECRET_KEY (signing.ts). A cross-site page can neither read the cookie nor compute the field.
 */
@Injectable()
export class CsrfTokens {
  private readonly signer: Signer;
  private readonly secure: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.signer = new Signer(config.secretKey);
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
    if (!this.signer.verify('csrf', Buffer.from(given, 'base64url'), value) || !BASE64URL_MAC.test(given)) throw expired();
  }

  private fieldFor(cookie: string): string {
    return this.signer.mac('csrf', cookie).toString('base64url');
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
