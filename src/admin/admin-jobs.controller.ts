import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { AdminJobs, type JobView } from './admin-jobs.service.js';
import { AdminGuard } from './admin.guard.js';

/** Progress of long admin work started with `?async=true` (or still running after a client left). */
@Controller('api/admin/jobs')
@UseGuards(AdminGuard)
export class AdminJobsController {
  constructor(private readonly jobs: AdminJobs) {}

  @Get()
  list(): { jobs: JobView[] } {
    return { jobs: this.jobs.list() };
  }

  @Get(':id')
  get(@Param('id') id: string): JobView {
    return this.jobs.get(id);
  }
}
