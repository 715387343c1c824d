import { Body, Controller, Get, Inject, Ip, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidInputError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PapersService, type PaperView } from '../papers/papers.service.js';
import { SubscribersService } from '../subscribers/subscribers.service.js';
import { TopicsService } from '../topics/topics.service.js';
import { CsrfGuard, CsrfTokens, PageErrorFilter, PageRenderer, type FormBody } from '../http/index.js';
import { formErrorsOf, subscriptionFromForm, type FormErrors, type FormValues } from './subscription.form.js';
import { groupTopics } from './topic-groups.js';

const LATEST_PAPERS = 8;
const EMPTY_FORM: FormValues & { email: string } = { email: '', topics: [], keywords: '', frequency: 'daily', timezone: 'UTC', hour: '' };

@Controller()
@UseFilters(PageErrorFilter)
export class HomeController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pages: PageRenderer,
    private readonly papers: PapersService,
    private readonly topics: TopicsService,
    private readonly subscribers: SubscribersService,
    private readonly csrf: CsrfTokens,
  ) {}

  @Get()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    this.pages.send(res, 200, 'home', await this.homeData(req, res, EMPTY_FORM));
  }

  /** The same page for every accepted address; a form with problems comes back (400) with them named. */
  @Post('subscribe')
  @UseGuards(CsrfGuard)
  async subscribe(@Req() req: Request, @Res() res: Response, @Ip() ip: string, @Body() body: FormBody): Promise<void> {
    const form = subscriptionFromForm(body ?? {});
    try {
      await this.subscribers.subscribe(form, ip);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      this.pages.send(res, 400, 'home', await this.homeData(req, res, form, formErrorsOf(err)));
      return;
    }
    // The page repeats only what the visitor typed: the answer is the same whatever Paperboy knows about the address.
    this.pages.send(res, 200, 'subscribed', { title: 'Check your inbox', email: form.email });
  }

  private async homeData(
    req: Request,
    res: Response,
    form: FormValues & { email: string },
    errors?: FormErrors,
  ): Promise<{ title: string } & Record<string, unknown>> {
    const [papers, topics] = await Promise.all([this.papers.list({ limit: LATEST_PAPERS }), this.topics.list()]);
    const names = new Map(topics.map((t) => [t.slug, t.name]));
    return {
      title: errors ? 'Please check the form' : 'New trending research papers in your inbox',
      csrf: this.csrf.issue(req, res),
      papers: papers.map((p) => paperCard(p, names)),
      topicGroups: groupTopics(topics, form.topics),
      topicCount: topics.length,
      // Feed autodiscovery: each topic's Atom feed (see src/feeds).
      feedLinks: topics.map((t) => ({
        type: 'application/atom+xml',
        title: `Paperboy: ${t.name}`,
        href: `${this.config.publicUrl}/feeds/topics/${t.slug}.atom`,
      })),
      form,
      weekly: form.frequency === 'weekly',
      errors,
      defaultHour: String(this.config.digest.defaultHour).padStart(2, '0'),
    };
  }
}

function paperCard(p: PaperView, topicNames: Map<string, string>): Record<string, unknown> {
  return {
    title: p.title,
    url: p.url,
    authors: p.authors.length > 3 ? `${p.authors.slice(0, 3).join(', ')} et al.` : p.authors.join(', '),
    upvotes: p.upvotes,
    trendingDate: p.trendingDate,
    summary: clip(p.aiSummary ?? p.abstract ?? '', 220),
    topics: p.topics.slice(0, 3).map((t) => topicNames.get(t.slug) ?? t.slug),
  };
}

function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, t.lastIndexOf(' ', max - 1) > 0 ? t.lastIndexOf(' ', max - 1) : max - 1)}…` : t;
}
