import { Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * `@InjectDataSource()` of @nestjs/typeorm (the default data source's token is the DataSource class),
 * without importing that package: it loads NestJS core, which a CLI command's services do not need
 * (src/cli/service-graph.ts builds them). TypeOrmModule provides the same token to the server.
 */
export const InjectDataSource = (): ParameterDecorator => Inject(DataSource);
