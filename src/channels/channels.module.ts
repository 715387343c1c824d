import { Module } from '@nestjs/common';
import { CandidateLoader } from '../digests/candidate.loader.js';
import { EventsModule } from '../events/events.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { ChannelLedger } from './channel-ledger.repository.js';
import { ChannelRepository } from './channel.repository.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelsService } from './channels.service.js';
import { IntegrationsStatus } from './integrations-status.service.js';

/** Team channels; DigestsModule imports this so its runs deliver them (CandidateLoader is stateless: a second instance is harmless). */
@Module({
  imports: [TopicsModule, EventsModule, WebhooksModule],
  controllers: [ChannelsController],
  providers: [ChannelsService, ChannelRepository, ChannelLedger, CandidateLoader, IntegrationsStatus],
  exports: [ChannelsService, IntegrationsStatus],
})
export class ChannelsModule {}
