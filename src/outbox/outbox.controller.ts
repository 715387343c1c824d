import { Controller, Get, Param, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { NotFoundError } from '../common/errors.js';
import { MailOutbox } from '../mail/mail.outbox.js';
import { MAIL_HTML_CSP, PageErrorFilter, PageRenderer } from '../http/index.js';

/**
 * A local mail catcher for the `file:` transport (404 with SMTP, and in production): newest first, each
 * viewable. A message's HTML is untrusted content: it is served from its own URL with a CSP that
 * allows no script, no fetches and no forms, sandboxed (MAIL_HTML_CSP), and shown in a sandboxed iframe.
 */
@Controller('outbox')
@UseFilters(PageErrorFilter)
export class OutboxController {
  constructor(
    private readonly outbox: MailOutbox,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async list(@Res() res: Response): Promise<void> {
    const messages = await this.outbox.list();
    this.pages.send(res, 200, 'outbox', { title: 'Outbox', messages, count: messages.length });
  }

  /** `/outbox/NAME` shows one message; `/outbox/NAME.eml` is the raw message as written. */
  @Get(':name')
  async message(@Param('name') name: string, @Res() res: Response): Promise<void> {
    if (name.endsWith('.eml')) {
      const raw = await this.read(() => this.outbox.raw(name.slice(0, -4)));
      res.status(200).type('text/plain; charset=utf-8').setHeader('Content-Disposition', `inline; filename="${name}"`);
      res.send(raw);
      return;
    }
    const m = await this.read(() => this.outbox.entry(name));
    this.pages.send(res, 200, 'outbox-message', { title: m.subject || '(no subject)', message: m });
  }

  @Get(':name/html')
  async html(@Param('name') name: string, @Res() res: Response): Promise<void> {
    const m = await this.read(() => this.outbox.entry(name));
    res.status(200).type('html').setHeader('Content-Security-Policy', MAIL_HTML_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.send(m.html);
  }

  private async read<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('no such message in the outbox');
      throw err;
    }
  }
}
