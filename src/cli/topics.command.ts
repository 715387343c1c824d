import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidInputError } from '../common/errors.js';
import { withServices } from './cli.context.js';
import { printJson } from './output.js';
import { action } from './run-command.js';

export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('the topic taxonomy');
  topics
    .command('list')
    .option('--json', 'print JSON')
    .action(
      action(async (flags: { json?: boolean }) =>
        withServices(topicsService, async ([topics]) => {
          const list = (await topics.list()).map(({ slug, name, description, query }) => ({ slug, name, description, query }));
          if (flags.json) return printJson(list);
          for (const t of list) process.stdout.write(`${t.slug.padEnd(24)} ${t.name}\n    ${t.query}\n`);
        }),
      ),
    );
  topics
    .command('import')
    .description('create or update topics from a JSON array of {slug, name, description, query?}, then re-tag papers')
    .argument('<file>')
    .option('--json', 'print JSON')
    .action(
      action(async (file: string, flags: { json?: boolean }) =>
        withServices(topicsService, async ([topics]) => {
          const result = await topics.importTopics(await readJson(file));
          if (flags.json) return printJson(result);
          process.stdout.write(`topics: ${result.created} created, ${result.updated} updated\n`);
        }),
      ),
    );
  topics
    .command('retag')
    .description('re-tag every stored paper (for the given topics, or all)')
    .argument('[slugs...]')
    .option('--json', 'print JSON')
    .action(
      action(async (slugs: string[], flags: { json?: boolean }) =>
        withServices(topicsService, async ([topics]) => {
          const result = await topics.retag(slugs.length ? slugs : undefined);
          if (flags.json) return printJson(result);
          process.stdout.write(`retagged ${result.papers} papers: ${result.tags} tags\n`);
        }),
      ),
    );
}

const topicsService = async () => [(await import('../topics/topics.service.js')).TopicsService] as const;

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((err: Error) => {
    throw new InvalidInputError(`${file}: cannot read: ${err.message}`);
  });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError(`${file}: not JSON: ${(err as Error).message}`);
  }
}
