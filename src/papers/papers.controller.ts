import { Controller, Get, Query } from '@nestjs/common';
import { intParam } from '../http/index.js';
import { PapersService, type PaperView } from './papers.service.js';

@Controller('api/papers')
export class PapersController {
  constructor(private readonly papers: PapersService) {}

  @Get()
  list(@Query('since') since?: string, @Query('topic') topic?: string, @Query('limit') limit = '100', @Query('offset') offset = '0'): Promise<PaperView[]> {
    return this.papers.list({ since, topic, limit: intParam(limit, 'limit', 100, 1, 1000), offset: intParam(offset, 'offset', 0, 0, 1e9) });
  }
}
