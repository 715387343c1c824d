import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { outcomeOf } from '../common/errors.js';
import { PageRenderer } from './page.renderer.js';

const TITLES: Record<number, string> = {
  400: 'Something is not right',
  403: 'This form has expired',
  404: 'This link does not work',
  409: 'That is not possible',
  429: 'Too many attempts',
  500: 'Something went wrong',
};

/**
 * The HTML counterpart of DomainErrorFilter for the pages: the same errors, mapped the same way
 * (`outcomeOf`), as pages a person can act on (a bad or expired token gets the 404 page and changes nothing).
 */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Pages');

  constructor(private readonly pages: PageRenderer) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, headers } = outcomeOf(err);
    if (status >= 500) this.log.error({ msg: 'page failed', err: err instanceof Error ? err.stack : String(err) });
    if (res.headersSent) return;
    res.set(headers);
    const message = status < 500 && err instanceof Error ? err.message : 'Paperboy could not do this right now. Please try again in a little while.';
    this.pages.send(res, status, status === 404 ? 'not-found' : 'error', { title: TITLES[status] ?? TITLES[500], status, message });
  }
}
