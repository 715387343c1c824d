import { Module } from '@nestjs/common';
import { SubscribersModule } from '../subscribers/subscribers.module.js';
import { FeedbackRepository } from './feedback.repository.js';
import { FeedbackService } from './feedback.service.js';

/** Reader feedback: votes on papers, and the profile the personal ranking learns from (src/digests/personal-ranking.ts). */
@Module({
  imports: [SubscribersModule],
  providers: [FeedbackRepository, FeedbackService],
  exports: [FeedbackRepository, FeedbackService],
})
export class FeedbackModule {}
