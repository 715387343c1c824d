import { Module } from '@nestjs/common';
import { PaperTopicRepository } from './paper-topic.repository.js';
import { TopicsController } from './topics.controller.js';
import { TopicWorkbench } from './topic-workbench.service.js';
import { MetaRepository } from '../database/meta.repository.js';
import { TopicRepository } from './topic.repository.js';
import { TopicsService } from './topics.service.js';

@Module({
  controllers: [TopicsController],
  providers: [TopicsService, PaperTopicRepository, TopicRepository, MetaRepository, TopicWorkbench],
  exports: [TopicsService, PaperTopicRepository, TopicWorkbench],
})
export class TopicsModule {}
