import { Module } from '@nestjs/common';
import { CandidateLoader } from '../digests/candidate.loader.js';
import { SubscribersModule } from '../subscribers/subscribers.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { FeedsController } from './feeds.controller.js';
import { FeedRepository } from './feed.repository.js';
import { FeedsService } from './feeds.service.js';

/** Atom and JSON feeds of topics and of each reader's digests. CandidateLoader is stateless: a second instance here is harmless. */
@Module({
  imports: [TopicsModule, SubscribersModule],
  controllers: [FeedsController],
  providers: [FeedsService, FeedRepository, CandidateLoader],
})
export class FeedsModule {}
