import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidInputError } from '../common/errors.js';
import { PreferencesService, ReconfirmationRequiredError } from '../subscribers/preferences.service.js';
import type { Subscriber } from '../subscribers/subscriber.entity.js';
import { SubscriberLinks } from '../subscribers/subscriber-links.service.js';
import { SubscribersService } from '../subscribers/subscribers.service.js';
import { CsrfGuard, CsrfTokens, first, PageErrorFilter, PageRenderer, type FormBody } from '../http/index.js';
import { choicesFromForm, formErrorsOf } from './subscription.form.js';
import { PreferencesPage } from './preferences.page.js';

const DONE = new Set(['saved', 'paused', 'resumed', 'unsubscribed', 'resubscribed', 'confirm-sent']);

/** Pages reached from links in emails; every one is keyed by a signed token (404 page when it is not valid). */
@Controller()
@UseFilters(PageErrorFilter)
export class SubscriberPagesController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly subscribers: SubscribersService,
    private readonly preferences: PreferencesService,
    private readonly links: SubscriberLinks,
    private readonly preferencesPage: PreferencesPage,
    private readonly csrf: CsrfTokens,
  ) {}

  @Get('confirm/:token')
  async confirm(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const s = await this.subscribers.confirm(token);
    this.pages.send(res, 200, 'confirmed', { title: 'You are subscribed', email: s.email, preferencesUrl: this.links.preferencesUrl(s) });
  }

  @Get('preferences/:token')
  async view(@Param('token') token: string, @Query('done') done: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    const s = await this.preferences.view(token);
    await this.preferencesPage.send(req, res, 200, s, token, { done: done && DONE.has(done) ? done : undefined });
  }

  /** One form endpoint, one `action` per button: save, pause, resume, unsubscribe, resubscribe, export, delete. */
  @Post('preferences/:token')
  @UseGuards(CsrfGuard)
  async act(@Param('token') token: string, @Body() body: FormBody, @Req() req: Request, @Res() res: Response): Promise<void> {
    const action = first(body?.action);
    if (action === 'export') return this.export(token, res);
    if (action === 'delete') return this.delete(token, body, req, res);
    try {
      const done = await this.apply(action, token, body);
      res.redirect(303, `/preferences/${encodeURIComponent(token)}?done=${done}`);
    } catch (err) {
      if (!(err instanceof InvalidInputError) && !(err instanceof ReconfirmationRequiredError)) throw err;
      const s = await this.preferences.view(token);
      if (err instanceof ReconfirmationRequiredError)
        return this.preferencesPage.send(req, res, 409, s, token, { errors: { messages: [err.message], fields: {} } });
      await this.preferencesPage.send(req, res, 400, s, token, { errors: formErrorsOf(err), form: choicesFromForm(body) });
    }
  }

  /** A page with one button; a GET changes nothing (mail scanners follow links). */
  @Get('unsubscribe/:token')
  async unsubscribePage(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { subscriber } = await this.subscribers.resolve(token, 'unsubscribe');
    const active = subscriber.status === 'pending' || subscriber.status === 'confirmed';
    // Pausing is the preferences form's "pause" action, offered here as a second button.
    const pause = active && !subscriber.paused ? { url: `/preferences/${this.links.token(subscriber, 'preferences')}`, csrf: this.csrf.issue(req, res) } : null;
    this.pages.send(res, 200, 'unsubscribe', { title: active ? 'Unsubscribe' : 'You are unsubscribed', email: subscriber.email, token, active, pause });
  }

  /** RFC 8058 one-click: no cookie, session or CSRF field needed; 200 with a page, never a redirect. */
  @Post('unsubscribe/:token')
  @HttpCode(200)
  async unsubscribe(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const s = await this.subscribers.unsubscribe(token);
    this.pages.send(res, 200, 'unsubscribed', { title: 'You are unsubscribed', email: s.email });
  }

  private async apply(action: string, token: string, body: FormBody): Promise<string> {
    switch (action) {
      case 'save':
        await this.preferences.update(token, choicesFromForm(body));
        return 'saved';
      case 'pause':
        await this.preferences.setPaused(token, true);
        return 'paused';
      case 'resume':
        await this.preferences.setPaused(token, false);
        return 'resumed';
      case 'unsubscribe':
        await this.preferences.unsubscribe(token);
        return 'unsubscribed';
      case 'resubscribe':
        return (await this.preferences.resubscribe(token)).confirmationSent ? 'confirm-sent' : 'resubscribed';
      default:
        throw new InvalidInputError(`unknown action "${action.slice(0, 40)}"`);
    }
  }

  private async export(token: string, res: Response): Promise<void> {
    const data = await this.preferences.exportData(token);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', 'attachment; filename="paperboy-my-data.json"');
    res
      .status(200)
      .type('application/json')
      .send(JSON.stringify(data, null, 2));
  }

  private async delete(token: string, body: FormBody, req: Request, res: Response): Promise<void> {
    const s: Subscriber = await this.preferences.view(token);
    if (first(body.confirm) !== 'yes') {
      const errors = { messages: ['tick "Yes, delete my data" to confirm the deletion'], fields: {} };
      return this.preferencesPage.send(req, res, 400, s, token, { errors, openDelete: true });
    }
    const neverAgain = first(body.neverAgain) === 'yes';
    await this.preferences.deleteMe(token, { neverAgain });
    this.pages.send(res, 200, 'deleted', { title: 'Your data is deleted', neverAgain });
  }
}
