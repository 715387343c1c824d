import { Controller, HttpCode, Post, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TopicWorkbench } from '../topics/topic-workbench.service.js';
import type { TopicInput } from '../topics/topics.service.js';
import { jsonBodyOf, retagSlugsOf, topicPatchOf } from './admin-api.input.js';
import { AdminAuditInterceptor } from './admin-audit.interceptor.js';
import { AdminJobs, type JobView } from './admin-jobs.service.js';
import { AdminGuard } from './admin.guard.js';

/** Editing the taxonomy: one topic at a time, and re-tagging. */
@Controller('api/admin')
@UseGuards(AdminGuard)
@UseInterceptors(AdminAuditInterceptor)
export class AdminTopicsController {
  constructor(
    private readonly workbench: TopicWorkbench,
    private readonly jobs: AdminJobs,
  ) {}

  /** JSON `{slug, name?, description?, query?}`: creates (201) or edits (200) one topic, then re-tags for it. */
  @Post('topics')
  async setTopic(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<{ created: boolean; topic: TopicInput }> {
    const result = await this.workbench.set(topicPatchOf(jsonBodyOf(req)));
    res.status(result.created ? 201 : 200);
    return result;
  }

  /** JSON `{slugs?: [...]}`: re-tags the stored papers for these topics, or all; `?async=true` answers 202 and the job. */
  @Post('topics/retag')
  @HttpCode(200)
  async retag(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('async') async: string | undefined,
  ): Promise<{ papers: number; tags: number } | JobView> {
    const slugs = retagSlugsOf(jsonBodyOf(req));
    const job = this.jobs.start('retag', slugs?.join(', ') || 'all topics', () => this.workbench.retag(slugs));
    if (async !== 'true') return job.done;
    res.status(202);
    return job.view;
  }
}
