import { AdminJobs, jobRow } from './admin-jobs.service.js';
import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ChannelsService } from '../channels/channels.service.js';
import { IntegrationsStatus } from '../channels/integrations-status.service.js';
import { ConflictError, InvalidInputError } from '../common/errors.js';
import { DigestRunsService } from '../digests/digest-runs.service.js';
import { DigestViewService } from '../digests/digest-view.service.js';
import { DigestService } from '../digests/digest.service.js';
import { SubscriberDirectory } from '../subscribers/subscriber-directory.service.js';
import { TopicsService } from '../topics/topics.service.js';
import { CsrfGuard, CsrfTokens, first, MAIL_HTML_CSP, PageRenderer, type FormBody } from '../http/index.js';
import { runIdOf } from './admin-api.input.js';
import { AdminAuditInterceptor } from './admin-audit.interceptor.js';
import type { AdminRequest } from './admin-identity.js';
import { SourceFreshness } from '../health/source-freshness.js';
import { dashboardCharts } from './admin-charts.view.js';
import { AdminStatsService } from './admin-stats.service.js';
import { dashboardSearch, dryRunData, sourceBanner, EMPTY_SEND_FORM, runPageData, runRow, sendFormOf, topicChoices, type SendForm } from './admin-page.view.js';
import { AdminPageFilter, AdminSessionGuard, AdminSessions } from './admin-session.js';

const NOTICES: Record<string, string> = { sent: 'The run is done.', retried: 'The retry is done.' };

interface DashboardState {
  status: number;
  query?: Record<string, string | undefined>;
  form?: SendForm;
  errors?: string[];
}

/** `/admin`: sign in with the token, then runs, subscribers, previews and a send button; no script needed. */
@Controller('admin')
@UseFilters(AdminPageFilter)
@UseInterceptors(AdminAuditInterceptor)
export class AdminPageController {
  constructor(
    private readonly pages: PageRenderer,
    private readonly csrf: CsrfTokens,
    private readonly sessions: AdminSessions,
    private readonly digests: DigestService,
    private readonly views: DigestViewService,
    private readonly runs: DigestRunsService,
    private readonly directory: SubscriberDirectory,
    private readonly topics: TopicsService,
    private readonly jobs: AdminJobs,
    private readonly freshness: SourceFreshness,
    private readonly stats: AdminStatsService,
    private readonly integrations: IntegrationsStatus,
    private readonly channels: ChannelsService,
  ) {}

  @Get()
  async home(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, string | undefined>): Promise<void> {
    if (!(await this.sessions.isSignedIn(req))) return this.pages.send(res, 200, 'admin-login', { title: 'Admin sign-in', csrf: this.csrf.issue(req, res) });
    this.identify(req);
    await this.dashboard(req, res, { status: 200, query });
  }

  @Post('login')
  @UseGuards(CsrfGuard)
  async login(@Req() req: Request, @Res() res: Response, @Body() body: FormBody): Promise<void> {
    if (await this.sessions.signIn(req, res, first(body?.token))) {
      this.identify(req);
      return res.redirect(303, '/admin');
    }
    this.pages.send(res, 401, 'admin-login', { title: 'Admin sign-in', csrf: this.csrf.issue(req, res), error: 'That is not the admin token.' });
  }

  @Post('logout')
  @UseGuards(CsrfGuard)
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.signOut(req, res);
    res.redirect(303, '/admin');
  }

  @Post('send')
  @UseGuards(AdminSessionGuard, CsrfGuard)
  async send(@Req() req: Request, @Res() res: Response, @Body() body: FormBody): Promise<void> {
    const { form, options } = sendFormOf(body ?? {});
    try {
      const summary = await this.digests.run(options, 'admin');
      if (summary.runId !== null) return res.redirect(303, `/admin/runs/${summary.runId}?done=sent`);
      this.pages.send(res, 200, 'admin-dry-run', { title: 'Dry run', who: this.sessions.id, csrf: this.csrf.issue(req, res), ...dryRunData(summary, form) });
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      await this.dashboard(req, res, { status: 400, form, errors: [err.message] });
    }
  }

  /** The channel form of the Integrations card: the same validation as `paperboy channels add` and the API. */
  @Post('channels')
  @UseGuards(AdminSessionGuard, CsrfGuard)
  async addChannel(@Req() req: Request, @Res() res: Response, @Body() body: FormBody): Promise<void> {
    const b = body ?? {};
    try {
      await this.channels.add({
        name: first(b.name),
        kind: first(b.kind),
        url: first(b.url),
        topics: b.topics ?? [],
        keywords: first(b.keywords),
        hour: first(b.hour),
      });
      res.redirect(303, '/admin#integrations-title');
    } catch (err) {
      if (!(err instanceof InvalidInputError || err instanceof ConflictError)) throw err;
      await this.dashboard(req, res, { status: err instanceof ConflictError ? 409 : 400, errors: [err.message] });
    }
  }

  @Post('channels/:name/remove')
  @UseGuards(AdminSessionGuard, CsrfGuard)
  async removeChannel(@Res() res: Response, @Param('name') name: string): Promise<void> {
    await this.channels.remove(name);
    res.redirect(303, '/admin#integrations-title');
  }

  @Get('runs/:id')
  @UseGuards(AdminSessionGuard)
  run(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Query() q: Record<string, string | undefined>): Promise<void> {
    return this.runPage(req, res, id, q);
  }

  @Post('runs/:id/retry')
  @UseGuards(AdminSessionGuard, CsrfGuard)
  async retry(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    try {
      const summary = await this.digests.retryFailed(runIdOf(id), 'admin');
      res.redirect(303, `/admin/runs/${summary.runId}?done=retried`);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      await this.runPage(req, res, id, {}, err.message);
    }
  }

  private async runPage(req: Request, res: Response, id: string, q: Record<string, string | undefined>, error?: string): Promise<void> {
    const status = q.status || undefined;
    const detail = await this.runs.show(runIdOf(id), { status });
    this.pages.send(res, error ? 400 : 200, 'admin-run', {
      title: `Run ${detail.run.id}`,
      who: this.sessions.id,
      csrf: this.csrf.issue(req, res),
      notice: q.done ? NOTICES[q.done] : undefined,
      errors: error ? { messages: [error] } : undefined,
      ...runPageData(detail, status),
    });
  }

  @Get('preview')
  @UseGuards(AdminSessionGuard)
  async preview(@Req() req: Request, @Res() res: Response, @Query('email') email = ''): Promise<void> {
    try {
      const p = await this.views.preview(email);
      this.pages.send(res, 200, 'admin-preview', {
        title: `Preview for ${email}`,
        who: this.sessions.id,
        csrf: this.csrf.issue(req, res),
        email,
        subject: p.subject,
        papers: p.shown,
        total: p.total,
        frameUrl: `/admin/preview/html?email=${encodeURIComponent(email)}`,
      });
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      await this.dashboard(req, res, { status: 400, errors: [err.message] });
    }
  }

  /** The digest HTML alone, for the preview page's sandboxed iframe, under its own CSP. */
  @Get('preview/html')
  @UseGuards(AdminSessionGuard)
  async previewHtml(@Res() res: Response, @Query('email') email = ''): Promise<void> {
    const p = await this.views.preview(email);
    res.status(200).type('html').setHeader('Content-Security-Policy', MAIL_HTML_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.send(p.html);
  }

  /** For the audit log: routes open to everyone still say who did them once the visitor is signed in. */
  private identify(req: Request): void {
    Object.assign(req as AdminRequest, { adminId: this.sessions.id, adminVia: 'session' });
  }

  private async dashboard(req: Request, res: Response, state: DashboardState): Promise<void> {
    const query = state.query ?? {};
    const errors = [...(state.errors ?? [])];
    const searching = Boolean(query.q || query.status);
    const page = searching
      ? await this.directory.search({ q: query.q, status: query.status }).catch((err: unknown) => {
          if (!(err instanceof InvalidInputError)) throw err;
          errors.push(err.message);
          return null;
        })
      : null;
    const form = state.form ?? EMPTY_SEND_FORM;
    this.pages.send(res, errors.length && state.status === 200 ? 400 : state.status, 'admin', {
      title: 'Admin',
      who: this.sessions.id,
      csrf: this.csrf.issue(req, res),
      errors: errors.length ? { messages: errors } : undefined,
      runs: (await this.runs.list(20)).map(runRow),
      jobs: this.jobs.list().map(jobRow),
      source: sourceBanner(await this.freshness.state()),
      charts: dashboardCharts(await this.stats.stats()),
      form,
      topics: topicChoices(await this.topics.list(), form.topic),
      ...dashboardSearch(query, page),
      integrations: await this.integrations.state(),
    });
  }
}
