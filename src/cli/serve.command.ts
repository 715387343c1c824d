import type { Command } from 'commander';
import { environment } from '../config/environment.js';
import { preferSmallHeap } from '../papers/heap-policy.js';
import { note } from './output.js';
import { action } from './run-command.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('API, pages, the inbox watcher and the scheduler')
    .action(
      action(async () => {
        preferSmallHeap();
        const [{ loadConfig }, { createHttpApp, prepareServe }] = await Promise.all([import('../config/config.loader.js'), import('../main.http.js')]);
        const config = loadConfig(environment(), {
          onTokenGenerated: (token, file) => note(`Admin token (shown once, kept in ${file}): ${token}`),
        });
        const app = await createHttpApp(config, 'serve');
        await prepareServe(app);
        await app.listen(config.port, config.host);
        note(`Paperboy is listening on ${config.host}:${config.port} (links in emails point at ${config.publicUrl})`);
        // The process now lives until a signal; Nest's shutdown hooks close it cleanly.
        await new Promise<void>((resolve) => process.once('beforeExit', () => resolve()));
      }),
    );
}
