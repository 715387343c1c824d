import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { EventsModule } from '../events/events.module.js';
import { FeedbackModule } from '../feedback/feedback.module.js';
import { HttpKitModule } from '../http/index.js';
import { MailModule } from '../mail/mail.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { SubscribersModule } from '../subscribers/subscribers.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { CandidateLoader } from './candidate.loader.js';
import { DeliveryQueue } from './delivery.queue.js';
import { DueClaims } from './due-claims.js';
import { RunBatches } from './run-batches.js';
import { DuePlanner } from './due-planner.js';
import { DueRangeRepository } from './due-range.repository.js';
import { BoundedSelection } from './bounded-selection.js';
import { DueReaderRepository } from './due-reader.repository.js';
import { DeliveryService } from './delivery.service.js';
import { DeliveryWorker } from './delivery.worker.js';
import { DigestLedger } from './digest-ledger.repository.js';
import { DigestRunsService } from './digest-runs.service.js';
import { DigestUpdates } from './digest-updates.js';
import { DigestViewService } from './digest-view.service.js';
import { DigestMetrics } from './digest.metrics.js';
import { DigestRenderer } from './digest.renderer.js';
import { DigestRunRepository } from './digest-run.repository.js';
import { SentPaperRepository } from './sent-paper.repository.js';
import { DigestService } from './digest.service.js';
import { DigestsController } from './digests.controller.js';
import { LockService } from './lock.service.js';
import { QueuedDeliveryRepository } from './queued-delivery.repository.js';
import { SectionMuteController } from './section-mute.controller.js';
import { SectionMuteService } from './section-mute.service.js';

@Module({
  imports: [TopicsModule, MailModule, SubscribersModule, HttpKitModule, ChannelsModule, EventsModule, MetricsModule, FeedbackModule],
  controllers: [DigestsController, SectionMuteController],
  providers: [
    CandidateLoader,
    DigestLedger,
    DuePlanner,
    DueClaims,
    RunBatches,
    DueRangeRepository,
    BoundedSelection,
    DueReaderRepository,
    DigestRunRepository,
    SentPaperRepository,
    DigestRenderer,
    DeliveryService,
    DigestService,
    DigestViewService,
    DigestMetrics,
    LockService,
    DigestRunsService,
    DeliveryQueue,
    QueuedDeliveryRepository,
    DeliveryWorker,
    DigestUpdates,
    SectionMuteService,
  ],
  exports: [DigestService, DigestViewService, DigestMetrics, LockService, DigestLedger, DigestRunsService, DeliveryQueue, DeliveryWorker],
})
export class DigestsModule {}
