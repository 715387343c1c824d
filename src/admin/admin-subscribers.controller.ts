import { once } from 'node:events';
import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidInputError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MAX_PAGE_SIZE, SubscriberDirectory, type ImportReport, type SubscriberPage } from '../subscribers/subscriber-directory.service.js';
import { intParam } from '../http/index.js';
import { AdminAuditInterceptor } from './admin-audit.interceptor.js';
import { AdminJobs, type JobView } from './admin-jobs.service.js';
import { receiveBody } from './admin-upload.js';
import { AdminGuard } from './admin.guard.js';

@Controller('api/admin/subscribers')
@UseGuards(AdminGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminSubscribersController {
  constructor(
    private readonly directory: SubscriberDirectory,
    private readonly jobs: AdminJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `?q=` (part of the address), `?status=`, `?limit=` (≤ 500), `?offset=`. */
  @Get()
  search(@Query() q: Record<string, string | undefined>): Promise<SubscriberPage> {
    return this.directory.search({
      q: q.q,
      status: q.status,
      limit: intParam(q.limit, 'limit', 50, 1, MAX_PAGE_SIZE),
      offset: intParam(q.offset, 'offset', 0, 0, 1e9),
    });
  }

  /** CSV `email,topics,keywords,frequency,timezone,hour,status`, streamed. */
  @Get('export')
  async export(@Res() res: Response): Promise<void> {
    res.status(200).type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="paperboy-subscribers.csv"');
    res.setHeader('Cache-Control', 'no-store');
    for await (const chunk of this.directory.exportCsv()) if (!res.write(chunk)) await once(res, 'drain');
    res.end();
  }

  /**
   * The CSV file is the request body (streamed to a file); `?confirmed=true` adds them confirmed.
   * Answers the report of rejected rows, or with `?async=true` 202 and the job to poll.
   */
  @Post('import')
  @HttpCode(200)
  async import(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('confirmed') confirmed: string | undefined,
    @Query('async') async: string | undefined,
  ): Promise<ImportReport | JobView> {
    if (confirmed !== undefined && confirmed !== 'true' && confirmed !== 'false')
      throw new InvalidInputError(`confirmed must be true or false, got "${confirmed.slice(0, 20)}"`);
    const upload = await receiveBody(req, this.config.varDir, this.config.adminUploadMaxBytes);
    if (upload.size === 0) {
      await upload.remove();
      throw new InvalidInputError('the request body must be the CSV file itself, and it is empty');
    }
    const job = this.jobs.start('import', 'subscribers CSV', (progress) =>
      this.directory.importCsv(upload.path, { confirmed: confirmed === 'true', onProgress: (p) => progress({ ...p }) }).finally(() => upload.remove()),
    );
    if (async !== 'true') return job.done;
    res.status(202);
    return job.view;
  }

  @Delete(':email')
  remove(@Param('email') email: string): Promise<{ removed: string }> {
    return this.directory.remove(email);
  }
}
