import { CanActivate, ExecutionContext, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { sameSecret, sha256 } from '../http/index.js';
import { tokenId, type AdminRequest } from './admin-identity.js';

/** Bearer ADMIN_TOKEN, compared in constant time (hashing first makes the lengths equal). */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly log = new Logger('Admin');
  private readonly expected: Buffer;
  private readonly id: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = sha256(config.adminToken);
    this.id = tokenId(config.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!match || !sameSecret(match[1].trim(), this.expected)) {
      this.log.warn({ msg: 'admin request refused', method: req.method, path: req.path, ip: req.ip, reason: match ? 'wrong token' : 'no token' });
      throw new UnauthorizedException('a valid admin token is required: Authorization: Bearer <ADMIN_TOKEN>');
    }
    req.adminId = this.id;
    req.adminVia = 'token';
    return true;
  }
}

/** True when the request carries ADMIN_TOKEN; lets the body parsers leave an anonymous admin body unread. */
export function carriesAdminToken(authorization: string | undefined, adminToken: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return !!match && sameSecret(match[1].trim(), adminToken);
}
