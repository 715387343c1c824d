import { Module } from '@nestjs/common';
import { TopicsModule } from '../topics/topics.module.js';
import { FirstStartService } from './first-start.service.js';
import { IngestService } from './ingest.service.js';
import { MetaRepository } from '../database/meta.repository.js';
import { PaperRepository } from './paper.repository.js';
import { PapersController } from './papers.controller.js';
import { PapersService } from './papers.service.js';

@Module({
  imports: [TopicsModule],
  controllers: [PapersController],
  providers: [PaperRepository, MetaRepository, IngestService, PapersService, FirstStartService],
  exports: [IngestService, PapersService, FirstStartService, PaperRepository],
})
export class PapersModule {}
