import { Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request } from 'express';
import { jsonBodyOf } from '../admin/admin-api.input.js';
import { AdminAuditInterceptor } from '../admin/admin-audit.interceptor.js';
import { AdminGuard } from '../admin/admin.guard.js';
import type { Channel } from './channel.types.js';
import { ChannelsService } from './channels.service.js';

/** `POST|GET|DELETE /api/admin/channels`: the same service as `paperboy channels`. */
@Controller('api/admin/channels')
@UseGuards(AdminGuard)
@UseInterceptors(AdminAuditInterceptor)
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Get()
  list(): Promise<Channel[]> {
    return this.channels.list();
  }

  /** JSON `{name, kind: slack|discord|webhook, url, topics, keywords?, hour?}`. */
  @Post()
  @HttpCode(201)
  add(@Req() req: Request): Promise<Channel> {
    return this.channels.add(jsonBodyOf(req));
  }

  @Delete(':name')
  @HttpCode(204)
  async remove(@Param('name') name: string): Promise<void> {
    await this.channels.remove(name);
  }
}
