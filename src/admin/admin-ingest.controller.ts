import { Controller, Inject, Post, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidInputError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { openFileSource } from '../papers/dump-source.js';
import { IngestService, type IngestReport } from '../papers/ingest.service.js';
import { DUMP_FORMATS, type DumpFormat } from '../papers/paper.types.js';
import { AdminAuditInterceptor } from './admin-audit.interceptor.js';
import { AdminJobs, type JobView } from './admin-jobs.service.js';
import { receiveBody } from './admin-upload.js';
import { AdminGuard } from './admin.guard.js';

@Controller('api/admin/ingest')
@UseGuards(AdminGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminIngestController {
  constructor(
    private readonly ingest: IngestService,
    private readonly jobs: AdminJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The dump is the raw request body, streamed to a file; `?format=` (default auto), `?date=`,
   * `?strict=true`, `?backfill=true`, `?name=`. Answers the report when done, or with
   * `?async=true` 202 and the job at once (poll `GET /api/admin/jobs/:id`).
   */
  @Post()
  async ingestDump(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query() q: Record<string, string | undefined>,
  ): Promise<IngestReport | JobView> {
    const format = q.format ?? 'auto';
    if (format !== 'auto' && !DUMP_FORMATS.includes(format as DumpFormat)) {
      throw new InvalidInputError(`unknown format "${format}"; valid: auto, ${DUMP_FORMATS.join(', ')}`);
    }
    const upload = await receiveBody(req, this.config.varDir, this.config.adminUploadMaxBytes);
    if (upload.size === 0) {
      await upload.remove();
      throw new InvalidInputError('the request body must be the dump itself, and it is empty');
    }
    const name = q.name ?? 'request-body';
    const options = { format: format as DumpFormat | 'auto', date: q.date, strict: q.strict === 'true', backfill: q.backfill === 'true' };
    const job = this.jobs.start('ingest', name, async (progress) => {
      try {
        return await this.ingest.ingest(await openFileSource(upload.path, name), { ...options, onProgress: (p) => progress({ ...p }) });
      } finally {
        await upload.remove();
      }
    });
    if (q.async !== 'true') return job.done;
    res.status(202);
    return job.view;
  }
}
