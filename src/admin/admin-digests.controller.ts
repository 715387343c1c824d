import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidInputError } from '../common/errors.js';
import type { DigestRun } from '../digests/digest-run.entity.js';
import { DigestRunsService, type RunDetail } from '../digests/digest-runs.service.js';
import { DigestViewService, previewJson } from '../digests/digest-view.service.js';
import { DigestService, type RunSummary } from '../digests/digest.service.js';
import { intParam, MAIL_HTML_CSP } from '../http/index.js';
import { jsonBodyOf, runIdOf, sendOptionsOf } from './admin-api.input.js';
import { AdminAuditInterceptor } from './admin-audit.interceptor.js';
import { AdminGuard } from './admin.guard.js';

/** Manual sends, previews and runs: the same services as `paperboy send`, `preview` and `runs`. */
@Controller('api/admin')
@UseGuards(AdminGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminDigestsController {
  constructor(
    private readonly digests: DigestService,
    private readonly views: DigestViewService,
    private readonly runs: DigestRunsService,
  ) {}

  /** JSON `{email?, topic?, all?, dryRun?, force?}`; answers the run summary. */
  @Post('send')
  @HttpCode(200)
  send(@Req() req: Request): Promise<RunSummary> {
    return this.digests.run(sendOptionsOf(jsonBodyOf(req)), 'admin');
  }

  /** The digest this subscriber would get now: its HTML, or `?format=json` for subject, counts and both parts. */
  @Get('preview')
  async preview(@Query() q: Record<string, string | undefined>, @Res() res: Response): Promise<void> {
    const { email, format } = q;
    if (!email) throw new InvalidInputError('email is required: /api/admin/preview?email=ADDRESS');
    if (format !== undefined && format !== 'html' && format !== 'json')
      throw new InvalidInputError(`format must be html or json, got "${format.slice(0, 20)}"`);
    const p = await this.views.preview(email, { limit: q.limit === undefined ? undefined : intParam(q.limit, 'limit', 10, 1, 1000) });
    res.setHeader('Cache-Control', 'no-store');
    if (format === 'json') {
      res.json(previewJson(p));
      return;
    }
    res.setHeader('Content-Security-Policy', MAIL_HTML_CSP);
    res.type('html').send(p.html);
  }

  @Get('runs')
  listRuns(@Query('limit') limit?: string, @Query('offset') offset?: string): Promise<DigestRun[]> {
    return this.runs.list(intParam(limit, 'limit', 50, 1, 500), intParam(offset, 'offset', 0, 0, 1e9));
  }

  /** The run and its ledger rows (`?status=failed`, `?limit=`, `?offset=`). */
  @Get('runs/:id')
  showRun(@Param('id') id: string, @Query() q: Record<string, string | undefined>): Promise<RunDetail> {
    return this.runs.show(runIdOf(id), { status: q.status, limit: intParam(q.limit, 'limit', 500, 1, 5000), offset: intParam(q.offset, 'offset', 0, 0, 1e9) });
  }

  /** Retries exactly the deliveries this run left failed, as a new run. */
  @Post('runs/:id/retry')
  @HttpCode(200)
  retry(@Param('id') id: string): Promise<RunSummary> {
    return this.digests.retryFailed(runIdOf(id), 'admin');
  }
}
