import { Module } from '@nestjs/common';
import { HttpKitModule } from '../http/index.js';
import { PapersModule } from '../papers/papers.module.js';
import { DigestStatusService } from '../subscribers/preferences.digest-status.js';
import { SubscribersModule } from '../subscribers/subscribers.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { AssetsController } from './assets.controller.js';
import { HomeController } from './home.controller.js';
import { PreferencesPage } from './preferences.page.js';
import { SubscriberPagesController } from './subscriber-pages.controller.js';

/** The public, server-rendered pages (home, subscribe, confirm, preferences, unsubscribe); the HTML kit is src/http. */
@Module({
  imports: [PapersModule, TopicsModule, SubscribersModule, HttpKitModule],
  controllers: [HomeController, SubscriberPagesController, AssetsController],
  providers: [PreferencesPage, DigestStatusService],
})
export class WebModule {}
