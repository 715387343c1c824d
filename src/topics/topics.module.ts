import { Module } from '@nestjs/common';
import { PaperTopicRepository } from './paper-topic.repository.js';
import { TopicsController } from './topics.controller.js';
import { TopicsService } from './topics.service.js';

@Module({
  controllers: [TopicsController],
  providers: [TopicsService, PaperTopicRepository],
  exports: [TopicsService, PaperTopicRepository],
})
export class TopicsModule {}
