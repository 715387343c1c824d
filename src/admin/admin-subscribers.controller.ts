import { once } from 'node:events';
import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidInputError } from '../common/errors.js';
import { MAX_PAGE_SIZE, SubscriberDirectory, type ImportReport, type SubscriberPage } from '../subscribers/subscriber-directory.service.js';
import { intParam } from './admin-api.input.js';
import { AdminAuditInterceptor } from './admin-audit.interceptor.js';
import { AdminGuard } from './admin.guard.js';

@Controller('api/admin/subscribers')
@UseGuards(AdminGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminSubscribersController {
  constructor(private readonly directory: SubscriberDirectory) {}

  /** `?q=` (part of the address), `?status=`, `?limit=` (≤ 500), `?offset=`. */
  @Get()
  search(@Query() q: Record<string, string | undefined>): Promise<SubscriberPage> {
    return this.directory.search({ q: q.q, status: q.status, limit: intParam(q.limit, 'limit', 50, 1, MAX_PAGE_SIZE), offset: intParam(q.offset, 'offset', 0, 0, 1e9) });
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

  /** The CSV file is the request body; `?confirmed=true` adds them confirmed. Answers the report of rejected rows. */
  @Post('import')
  @HttpCode(200)
  import(@Req() req: Request, @Query('confirmed') confirmed: string | undefined): Promise<ImportReport> {
    if (confirmed !== undefined && confirmed !== 'true' && confirmed !== 'false') throw new InvalidInputError(`confirmed must be true or false, got "${confirmed.slice(0, 20)}"`);
    const body: unknown = req.body;
    if (typeof body !== 'string' || body.trim() === '') throw new InvalidInputError('the request body must be the CSV file itself, and it is empty');
    return this.directory.importCsv(body, { confirmed: confirmed === 'true' });
  }

  @Delete(':email')
  remove(@Param('email') email: string): Promise<{ removed: string }> {
    return this.directory.remove(email);
  }
}
