import { Controller, Get, Header, Param, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { PageErrorFilter } from '../web/page-error.filter.js';
import { DigestViewService } from './digest-view.service.js';
import { DigestMetrics } from './digest.metrics.js';
import { MetricsGuard } from './metrics.guard.js';

/** Email HTML is all inline styles and no script; its own CSP lets exactly that through. */
const DIGEST_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

@Controller()
export class DigestsController {
  constructor(
    private readonly views: DigestViewService,
    private readonly metrics: DigestMetrics,
  ) {}

  @Get('digests/:id/:token')
  @UseFilters(PageErrorFilter)
  async view(@Param('id') id: string, @Param('token') token: string, @Res() res: Response): Promise<void> {
    const html = await this.views.sent(id, token);
    res.setHeader('Content-Security-Policy', DIGEST_CSP);
    res.setHeader('Cache-Control', 'private, no-store');
    res.type('html').send(html);
  }

  @Get('metrics')
  @UseGuards(MetricsGuard)
  @Header('Cache-Control', 'no-store')
  async prometheus(@Res() res: Response): Promise<void> {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
