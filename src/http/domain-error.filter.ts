import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, outcomeOf } from '../common/errors.js';

const NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Renders a server-side page (the PageRenderer). */
export interface HtmlPages {
  send(res: Response, status: number, page: string, data: { title: string; [key: string]: unknown }): void;
}

/**
 * Errors as JSON `{statusCode, error, message}` (PRODUCT.md, "HTTP"), with the status and headers
 * `outcomeOf` (common/errors.ts) gives. A browser asking for an address that is no route (outside
 * /api) gets the HTML 404 page instead.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Http');

  constructor(private readonly pages?: HtmlPages) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const { status, message, headers } = outcomeOf(err);
    if (status >= 500) this.log.error({ msg: 'request failed', err: err instanceof Error ? err.stack : String(err) });
    if (res.headersSent) return;
    if (this.pages && status === 404 && !(err instanceof DomainError) && wantsPage(req)) {
      return this.pages.send(res, 404, 'not-found', {
        title: 'Page not found',
        status,
        message: 'There is no page at this address. It may have moved, or the link was copied incompletely.',
      });
    }
    res
      .set(headers)
      .status(status)
      .json({ statusCode: status, error: NAMES[status] ?? 'Error', message });
  }
}

function wantsPage(req: Request): boolean {
  const path = req.path ?? '';
  if (/^\/(api|webhooks|health|metrics|feeds)(\/|$)/.test(path)) return false;
  return req.method === 'GET' && /text\/html/.test(String(req.headers?.accept ?? ''));
}
