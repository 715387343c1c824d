import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { Observable, tap } from 'rxjs';
import { outcomeOf } from '../common/errors.js';
import type { AdminRequest } from './admin-identity.js';

/** Body fields never written to a log line, whatever route they arrive on. */
const SECRET_FIELD = /token|csrf|password|secret/i;
const MAX_VALUE = 200;

/**
 * One structured log line per admin action: who (the token id, never the token), what (method,
 * route, parameters, the JSON or form fields with secrets removed), and how it ended. Runs after
 * the guards: on the API only authenticated requests get here (refusals are logged by the guard);
 * on the admin page, sign-in attempts are logged too, as `anonymous`.
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  private readonly log = new Logger('Admin');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const started = performance.now();
    const entry = () => ({
      msg: 'admin action',
      who: req.adminId ?? 'anonymous',
      via: req.adminVia,
      action: `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path}`,
      params: req.params,
      query: shortValues(req.query as Record<string, unknown>),
      fields: fieldsOf(req.body),
      ms: Math.round(performance.now() - started),
    });
    return next.handle().pipe(
      tap({
        // The admin page's sign-in form is public: looking at it is nobody's action.
        next: () => (req.adminId || req.method !== 'GET' ? this.log.log({ ...entry(), status: res.statusCode }) : undefined),
        error: (err: unknown) =>
          this.log.log({ ...entry(), status: outcomeOf(err).status, error: err instanceof Error ? err.message.slice(0, MAX_VALUE) : String(err) }),
      }),
    );
  }
}

/** JSON or form fields, without secrets; a raw body (a CSV, a dump) is described by its size only. */
function fieldsOf(body: unknown): Record<string, unknown> | undefined {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return { bytes: body.length };
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const kept = Object.entries(body as Record<string, unknown>).filter(([k]) => !SECRET_FIELD.test(k));
  return kept.length ? shortValues(Object.fromEntries(kept)) : undefined;
}

function shortValues(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' && v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}…` : v]));
}
