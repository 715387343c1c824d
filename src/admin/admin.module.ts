import { Module } from '@nestjs/common';
import { PapersModule } from '../papers/papers.module.js';
import { AdminIngestController } from './admin-ingest.controller.js';
import { AdminGuard } from './admin.guard.js';

@Module({ imports: [PapersModule], controllers: [AdminIngestController], providers: [AdminGuard] })
export class AdminModule {}
