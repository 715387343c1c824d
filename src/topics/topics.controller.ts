import { Controller, Get } from '@nestjs/common';
import { TopicsService } from './topics.service.js';

@Controller('api/topics')
export class TopicsController {
  constructor(private readonly topics: TopicsService) {}

  @Get()
  async list(): Promise<{ slug: string; name: string; description: string; query: string }[]> {
    return (await this.topics.list()).map(({ slug, name, description, query }) => ({ slug, name, description, query }));
  }
}
