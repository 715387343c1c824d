import { Module } from '@nestjs/common';
import { PaperTopicRepository } from './paper-topic.repository.js';
import { TopicsController } from './topics.controller.js';
import { TopicWorkbench } from './topic-workbench.service.js';
import { TopicsService } from './topics.service.js';

@Module({
  controllers: [TopicsController],
  providers: [TopicsService, PaperTopicRepository, TopicWorkbench],
  exports: [TopicsService, PaperTopicRepository, TopicWorkbench],
})
export class TopicsModule {}
