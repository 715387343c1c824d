import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { fromRoot } from '../common/paths.js';
import { registerChannels } from './channels.command.js';
import { registerDigestCommands } from './digest.command.js';
import { registerIngest } from './ingest.command.js';
import { registerMigrate } from './migrate.command.js';
import { registerPapers } from './papers.command.js';
import { registerRunCommands } from './runs.command.js';
import { EXIT } from './run-command.js';
import { registerServe } from './serve.command.js';
import { registerSubscribers } from './subscribers.command.js';
import { registerTopicTools } from './topics-tools.command.js';
import { registerTopics } from './topics.command.js';
import { registerWorker } from './worker.command.js';

// Every command file imports what its action needs when it runs: building this program (all that
// `--help` and `--version` do) loads neither NestJS, TypeORM, MJML nor the database.
export function buildProgram(): Command {
  const program = new Command('paperboy')
    .description('Paperboy: emails people the new trending research papers on their topics')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerWorker(program);
  registerMigrate(program);
  registerIngest(program);
  registerPapers(program);
  registerTopics(program);
  registerDigestCommands(program);
  registerSubscribers(program);
  registerChannels(program);
  registerRunCommands(subcommand(program, 'runs'));
  registerTopicTools(subcommand(program, 'topics'));
  return program;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version;
}

/** A command registered above, to hang more subcommands on it from their own files. */
function subcommand(program: Command, name: string): Command {
  const found = program.commands.find((c) => c.name() === name);
  if (!found) throw new Error(`no "${name}" command to extend`);
  return found;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // Help and version are successes; every other parse error is bad usage.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
}
