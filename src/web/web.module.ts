import { Module } from '@nestjs/common';
import { FeedbackModule } from '../feedback/feedback.module.js';
import { MailModule } from '../mail/mail.module.js';
import { PapersModule } from '../papers/papers.module.js';
import { DigestStatusService } from '../subscribers/preferences.digest-status.js';
import { SubscribersModule } from '../subscribers/subscribers.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { AssetsController } from './assets.controller.js';
import { CsrfGuard, CsrfTokens } from './csrf.guard.js';
import { FeedbackPagesController } from './feedback-pages.controller.js';
import { HomeController } from './home.controller.js';
import { OutboxController } from './outbox.controller.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageRenderer } from './page.renderer.js';
import { PreferencesPage } from './preferences.page.js';
import { SubscriberPagesController } from './subscriber-pages.controller.js';

/** The public, server-rendered pages (and the outbox viewer); see security-headers.ts for their CSP. */
@Module({
  imports: [PapersModule, TopicsModule, SubscribersModule, MailModule, FeedbackModule],
  controllers: [HomeController, SubscriberPagesController, OutboxController, AssetsController, FeedbackPagesController],
  providers: [PageRenderer, PageErrorFilter, CsrfTokens, CsrfGuard, PreferencesPage, DigestStatusService],
  exports: [PageRenderer],
})
export class WebModule {}
