import { Controller, Get, Param, Query, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { PageErrorFilter, PageRenderer } from '../http/index.js';
import { DigestViewService } from './digest-view.service.js';

@Controller()
export class DigestsController {
  constructor(
    private readonly views: DigestViewService,
    private readonly pages: PageRenderer,
  ) {}

  @Get('digests/:id/:token')
  @UseFilters(PageErrorFilter)
  /** The web view: a page of its own (sections, headings, every paper), filtered by `?section=` and `?q=` without script. */
  async view(@Param('id') id: string, @Param('token') token: string, @Query() q: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const page = await this.views.sent(id, token, { section: str(q.section), q: str(q.q) });
    this.pages.send(res, 200, 'digest', { ...page, title: page.headline, formAction: `/digests/${encodeURIComponent(id)}/${encodeURIComponent(token)}` });
  }
}
