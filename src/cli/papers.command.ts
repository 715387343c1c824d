import type { Command } from 'commander';
import { withServices } from './cli.context.js';
import { printJson } from './output.js';
import { action } from './run-command.js';

const papersService = async () => [(await import('../papers/papers.service.js')).PapersService] as const;

export function registerPapers(program: Command): void {
  const papers = program.command('papers').description('stored papers');
  papers
    .command('list')
    .description('list papers, newest trending first')
    .option('--since <YYYY-MM-DD>', 'trending on or after this day')
    .option('--topic <slug>', 'only papers under this topic')
    .option('--limit <n>', 'at most this many', (v) => Number(v))
    .option('--json', 'print JSON')
    .action(
      action(async (flags: { since?: string; topic?: string; limit?: number; json?: boolean }) =>
        withServices(papersService, async ([papers]) => {
          const list = await papers.list(flags);
          if (flags.json) return printJson(list);
          for (const p of list) {
            const topics = p.topics.map((t) => `${t.slug}(${t.matched.join(', ')})`).join(' ');
            process.stdout.write(
              `${p.trendingDate ?? '----------'}  ${String(p.upvotes ?? '-').padStart(4)}  ${p.arxivId ?? '-'}  ${p.title}${topics ? `\n    ${topics}` : ''}\n`,
            );
          }
        }),
      ),
    );
}
