import { Controller, Get, HttpCode, Param, Post, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { FeedbackService, type FeedbackState } from '../feedback/feedback.service.js';
import { PageErrorFilter, PageRenderer } from '../http/index.js';
import { SubscriberLinks } from '../subscribers/subscriber-links.service.js';

const VOTE_LABEL = { more: 'More like this', less: 'Less like this' } as const;

/**
 * "More like this" / "less like this" links of digests. GET shows the paper and one button and
 * records nothing (mail scanners fetch every link); its POST records the vote: 200, never a
 * redirect, no cookie or session needed, the same vote twice is one vote.
 */
@Controller('feedback')
@UseFilters(PageErrorFilter)
export class FeedbackPagesController {
  constructor(
    private readonly feedback: FeedbackService,
    private readonly pages: PageRenderer,
    private readonly links: SubscriberLinks,
  ) {}

  @Get(':token')
  async page(@Param('token') token: string, @Res() res: Response): Promise<void> {
    this.send(res, await this.feedback.view(token), token, false);
  }

  @Post(':token')
  @HttpCode(200)
  async vote(@Param('token') token: string, @Res() res: Response): Promise<void> {
    this.send(res, await this.feedback.record(token), token, true);
  }

  private send(res: Response, state: FeedbackState, token: string, done: boolean): void {
    res.setHeader('Cache-Control', 'no-store');
    this.pages.send(res, 200, 'feedback', {
      title: done ? 'Thank you' : `${VOTE_LABEL[state.vote]}?`,
      done,
      token,
      voteLabel: VOTE_LABEL[state.vote],
      more: state.vote === 'more',
      already: !done && state.current === state.vote,
      paper: state.paper,
      email: state.subscriber.email,
      preferencesUrl: this.links.preferencesUrl(state.subscriber),
    });
  }
}
