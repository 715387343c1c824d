import { Controller, HttpCode, Post, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TopicWorkbench } from '../topics/topic-workbench.service.js';
import type { TopicInput } from '../topics/topics.service.js';
import { jsonBodyOf, retagSlugsOf, topicPatchOf } from './admin-api.input.js';
import { AdminAuditInterceptor } from './admin-audit.interceptor.js';
import { AdminGuard } from './admin.guard.js';

/** Editing the taxonomy: one topic at a time, and re-tagging. */
@Controller('api/admin')
@UseGuards(AdminGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminTopicsController {
  constructor(private readonly workbench: TopicWorkbench) {}

  /** JSON `{slug, name?, description?, query?}`: creates (201) or edits (200) one topic, then re-tags for it. */
  @Post('topics')
  async setTopic(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ created: boolean; topic: TopicInput }> {
    const result = await this.workbench.set(topicPatchOf(jsonBodyOf(req)));
    res.status(result.created ? 201 : 200);
    return result;
  }

  /** JSON `{slugs?: [...]}`: re-tags the stored papers for these topics, or all. */
  @Post('topics/retag')
  @HttpCode(200)
  retag(@Req() req: Request): Promise<{ papers: number; tags: number }> {
    return this.workbench.retag(retagSlugsOf(jsonBodyOf(req)));
  }
}
