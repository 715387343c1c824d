import { Controller, Get, HttpCode, Param, Post, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { SubscriberLinks } from '../subscribers/subscriber-links.service.js';
import { PageErrorFilter, PageRenderer } from '../http/index.js';
import { SectionMuteService, type MuteState } from './section-mute.service.js';

/** "Mute this section" links of digests: GET shows one button and changes nothing; its POST mutes (no cookie needed). */
@Controller('mute')
@UseFilters(PageErrorFilter)
export class SectionMuteController {
  constructor(
    private readonly mutes: SectionMuteService,
    private readonly pages: PageRenderer,
    private readonly links: SubscriberLinks,
  ) {}

  @Get(':token')
  async page(@Param('token') token: string, @Res() res: Response): Promise<void> {
    this.send(res, await this.mutes.view(token), token, false);
  }

  @Post(':token')
  @HttpCode(200)
  async mute(@Param('token') token: string, @Res() res: Response): Promise<void> {
    this.send(res, await this.mutes.mute(token), token, true);
  }

  private send(res: Response, state: MuteState, token: string, done: boolean): void {
    const title = done ? 'Muted' : state.label ? `Mute “${state.label}”?` : 'Already muted';
    this.pages.send(res, 200, 'mute', {
      title,
      done,
      token,
      label: state.label,
      email: state.subscriber.email,
      preferencesUrl: this.links.preferencesUrl(state.subscriber),
    });
  }
}
