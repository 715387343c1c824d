import type { Command } from 'commander';
import { environment } from '../config/environment.js';
import { printJson } from './output.js';
import { action } from './run-command.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .option('--json', 'print JSON')
    .action(
      action(async (flags: { json?: boolean }) => {
        const [{ DataSource }, { loadConfig }, { dataSourceOptions }] = await Promise.all([
          import('typeorm'),
          import('../config/config.loader.js'),
          import('../database/data-source.options.js'),
        ]);
        const ds = new DataSource({ ...dataSourceOptions(loadConfig(environment())), migrationsRun: false });
        await ds.initialize();
        try {
          const applied = await ds.runMigrations({ transaction: 'each' });
          const names = applied.map((m) => m.name);
          if (flags.json) printJson({ applied: names });
          else process.stdout.write(names.length ? `applied: ${names.join(', ')}\n` : 'database is up to date\n');
        } finally {
          await ds.destroy();
        }
      }),
    );
}
