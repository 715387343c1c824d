import { Controller, Get, Query } from '@nestjs/common';
import { InvalidInputError } from '../common/errors.js';
import { PapersService, type PaperView } from './papers.service.js';

@Controller('api/papers')
export class PapersController {
  constructor(private readonly papers: PapersService) {}

  @Get()
  list(@Query('since') since?: string, @Query('topic') topic?: string, @Query('limit') limit = '100', @Query('offset') offset = '0'): Promise<PaperView[]> {
    return this.papers.list({ since, topic, limit: intParam('limit', limit, 1, 1000), offset: intParam('offset', offset, 0, 1e9) });
  }
}

function intParam(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidInputError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}
