import type { AppConfig } from '../config/app-config.js';
import { environment } from '../config/environment.js';
import type { Type } from './service-graph.js';

type Instances<T extends readonly Type[]> = { [K in keyof T]: T[K] extends Type<infer I> ? I : never };

/**
 * Runs one command against the database with the services it names (and what they need), built by
 * ServiceGraph instead of booting NestJS and the whole app module: a command loads TypeORM and its own
 * services' modules, nothing else. The config is validated once, as the server does; the database is
 * opened with the app's options (migrations run at start, as everywhere). `services` imports the
 * command's service classes, so that `--help` and `--version` load none of them.
 *
 * Every such process also gets the topics service, whose start loads the default taxonomy into a new
 * database (as the server does): a first `subscribers add --topics …` finds the topics.
 */
export async function withServices<const T extends readonly Type[], R>(
  services: () => Promise<T>,
  work: (instances: Instances<T>, config: AppConfig) => Promise<R>,
): Promise<R> {
  const { loadConfig } = await import('../config/config.loader.js');
  const config = loadConfig(environment(), { defaultLogLevel: 'warn' });
  const [types, { TopicsService }, { DataSource }, { dataSourceOptions }, { ServiceGraph }, { APP_CONFIG }] = await Promise.all([
    services(),
    import('../topics/topics.service.js'),
    import('typeorm'),
    import('../database/data-source.options.js'),
    import('./service-graph.js'),
    import('../config/app-config.js'),
    useAppLogger(config),
  ]);
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  try {
    const graph = new ServiceGraph([
      [APP_CONFIG, config],
      [DataSource, dataSource],
    ]).add([TopicsService, ...types]);
    try {
      await graph.start();
      return await work(types.map((t) => graph.get(t)) as Instances<T>, config);
    } finally {
      await graph.close();
    }
  } finally {
    await dataSource.destroy();
  }
}

/** The services' Nest loggers write through the app's logger (pino, to stderr), as in the server. */
async function useAppLogger(config: AppConfig): Promise<void> {
  const [{ Logger }, { PinoLogger }] = await Promise.all([import('@nestjs/common'), import('../common/pino.logger.js')]);
  Logger.overrideLogger(new PinoLogger(config.logLevel, 2));
}
