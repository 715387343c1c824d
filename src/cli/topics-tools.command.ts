import type { Command } from 'commander';
import { InvalidInputError } from '../common/errors.js';
import type { QueryTestResult } from '../topics/topic-workbench.service.js';
import { withServices } from './cli.context.js';
import { note, printJson } from './output.js';
import { action } from './run-command.js';

/** `topics test QUERY` and `topics set SLUG …`, under the existing `topics` command. */
export function registerTopicTools(topics: Command): void {
  topics
    .command('test')
    .description('which stored papers a query matches, with the score and the words that matched (a new or changed topic tags papers scoring 0.5 or more)')
    .argument('<query>', 'a query in the topic query language, e.g. \'"speculative decoding" OR title:draft*\'')
    .option('--limit <n>', 'show the best n papers', (v) => Number(v), 20)
    .option('--json', 'print JSON')
    .action(
      action(async (query: string, flags: { limit: number; json?: boolean }) =>
        withServices(workbench, async ([bench]) => {
          const result = await bench
            .test(query, Number.isInteger(flags.limit) && flags.limit > 0 ? flags.limit : 20)
            .catch((err: unknown) => pointAt(query, err));
          if (flags.json) return printJson(result);
          printMatches(result);
        }),
      ),
    );
  topics
    .command('set')
    .description('create or change one topic (fields left out keep their values), then re-tag the stored papers for it')
    .argument('<slug>')
    .option('--name <name>')
    .option('--description <text>')
    .option('--query <query>', 'its query in the topic query language (default for a new topic: its name as a phrase)')
    .option('--json', 'print JSON')
    .action(
      action(async (slug: string, flags: { name?: string; description?: string; query?: string; json?: boolean }) =>
        withServices(workbench, async ([bench]) => {
          const { json, ...patch } = flags;
          const result = await bench.set({ slug, ...patch });
          if (json) return printJson(result);
          process.stdout.write(`${result.created ? 'created' : 'updated'} ${result.topic.slug} (${result.topic.name})\n    ${result.topic.query}\n`);
        }),
      ),
    );
}

const workbench = async () => [(await import('../topics/topic-workbench.service.js')).TopicWorkbench] as const;

function printMatches(r: QueryTestResult): void {
  process.stdout.write(`${r.matched} of ${r.scanned} stored papers match; ${r.tagged} score ${r.threshold} or more and would be tagged\n`);
  for (const p of r.papers) {
    process.stdout.write(`${p.score.toFixed(3)} ${p.tagged ? 'tag ' : '    '} ${p.arxivId ?? '-'}  ${p.title}\n      matched: ${p.matched.join(', ')}\n`);
  }
}

/** A syntax error shows the query with a caret under the position, then fails as bad input (exit 2). */
function pointAt(query: string, err: unknown): never {
  const position = (err as InvalidInputError).details as { position?: number } | undefined;
  if (err instanceof InvalidInputError && typeof position?.position === 'number') note(`  ${query}\n  ${' '.repeat(position.position)}^`);
  throw err;
}
