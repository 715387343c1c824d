import { Controller, Post, Query, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request } from 'express';
import { InvalidInputError } from '../common/errors.js';
import { openBufferSource } from '../papers/dump-source.js';
import { IngestService, type IngestReport } from '../papers/ingest.service.js';
import { DUMP_FORMATS, type DumpFormat } from '../papers/paper.types.js';
import { AdminAuditInterceptor } from './admin-audit.interceptor.js';
import { AdminGuard } from './admin.guard.js';

@Controller('api/admin/ingest')
@UseGuards(AdminGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminIngestController {
  constructor(private readonly ingest: IngestService) {}

  /** The dump is the raw request body; `?format=` (default auto), `?date=`, `?strict=true`, `?backfill=true`, `?name=`. */
  @Post()
  async ingestDump(@Req() req: Request, @Query() q: Record<string, string | undefined>): Promise<IngestReport> {
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new InvalidInputError('the request body must be the dump itself, and it is empty');
    const format = q.format ?? 'auto';
    if (format !== 'auto' && !DUMP_FORMATS.includes(format as DumpFormat)) {
      throw new InvalidInputError(`unknown format "${format}"; valid: auto, ${DUMP_FORMATS.join(', ')}`);
    }
    const source = await openBufferSource(q.name ?? 'request-body', body);
    return this.ingest.ingest(source, {
      format: format as DumpFormat | 'auto',
      date: q.date,
      strict: q.strict === 'true',
      backfill: q.backfill === 'true',
    });
  }
}
