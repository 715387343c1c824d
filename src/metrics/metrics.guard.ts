import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { sameSecret, sha256 } from '../http/index.js';

/**
 * `/metrics` names queues, workers and send counts: with METRICS_TOKEN set it wants
 * `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time); in production without one
 * it is closed, so a server exposed by mistake does not publish them. Open otherwise (a laptop).
 */
@Injectable()
export class MetricsGuard implements CanActivate {
  private readonly expected: Buffer | null;
  private readonly production: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = config.metricsToken ? sha256(config.metricsToken) : null;
    this.production = config.env === 'production';
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      if (this.production) throw new ForbiddenException('/metrics is closed in production until METRICS_TOKEN is set');
      return true;
    }
    const req = context.switchToHttp().getRequest<Request>();
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (match && sameSecret(match[1].trim(), this.expected)) return true;
    context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    throw new UnauthorizedException('/metrics wants Authorization: Bearer <METRICS_TOKEN>');
  }
}
