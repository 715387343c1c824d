import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { SendOptions } from '../digests/digest.service.js';
import { withServices } from './cli.context.js';
import { note, printJson } from './output.js';
import { action, EXIT } from './run-command.js';

export function registerDigestCommands(program: Command): void {
  program
    .command('send')
    .description('a manual digest run now (default: the subscribers who are due)')
    .option('--email <address>', 'only this subscriber, due or not')
    .option('--topic <slug>', 'every confirmed subscriber of this topic')
    .option('--all', 'every confirmed subscriber, due or not')
    .option('--dry-run', 'send nothing and write no ledger rows; report who would get how many papers')
    .option('--force', 'send even what the ledger says was sent this period')
    .option('--json', 'print JSON')
    .action(
      action(async (flags: SendOptions & { json?: boolean }) =>
        withServices(sendServices, async ([digests, queue]) => {
          const { json, ...options } = flags;
          let result = await digests.run(options, 'cli');
          // With REDIS_URL the workers send; the command reports once they have accounted for every delivery.
          if (queue.enabled && result.runId !== null) result = await digests.waitFor(result.runId);
          if (json) printJson(result);
          else {
            process.stdout.write(
              `run ${result.runId ?? '(dry run)'}: selected ${result.selected}, sent ${result.sent}, skipped (no papers) ${result.skippedEmpty}, failed ${result.failed}\n`,
            );
            for (const r of result.recipients ?? []) process.stdout.write(`  ${r.email}: ${r.papers} papers${r.total > r.papers ? ` (of ${r.total})` : ''}\n`);
          }
          return result.failed > 0 ? EXIT.failed : EXIT.ok;
        }),
      ),
    );
  program
    .command('preview')
    .description('render the digest this subscriber would get now, without sending it')
    .requiredOption('--email <address>', 'the subscriber')
    .option('--out <file.html>', 'write the HTML here instead of printing it')
    .option('--json', 'print {subject, total, papers:[{id, arxivId, title, score, section, reasons, feedback}]}')
    .option('--limit <n>', 'list up to N papers with --json (default DIGEST_MAX_PAPERS)', positiveInt('--limit'))
    .action(
      action(async (flags: { email: string; out?: string; json?: boolean; limit?: number }) =>
        withServices(viewService, async ([view]) => {
          const { previewJson } = await import('../digests/digest-view.service.js');
          const preview = await view.preview(flags.email, { limit: flags.limit });
          if (flags.json) {
            const { html: _html, text: _text, ...rest } = previewJson(preview);
            return printJson(rest);
          }
          if (preview.total === 0) note(`no papers match ${flags.email} now: no digest would be sent`);
          if (flags.out) {
            await writeFile(flags.out, preview.html);
            note(`${preview.subject} (${preview.shown} papers) written to ${flags.out}`);
          } else process.stdout.write(preview.html);
        }),
      ),
    );
  program
    .command('runs')
    .description('digest runs, newest first, with their counts')
    .option('--limit <n>', 'how many', (v) => Number(v), 50)
    .option('--json', 'print JSON')
    .action(
      action(async (flags: { limit: number; json?: boolean }) =>
        withServices(runsService, async ([service]) => {
          const runs = await service.list(flags.limit);
          if (flags.json) return printJson(runs);
          for (const r of runs) {
            process.stdout.write(
              `${String(r.id).padStart(5)}  ${r.startedAt.toISOString()}  ${r.trigger.padEnd(8)} ${r.status.padEnd(8)} selected ${r.selected}, sent ${r.sent}, skipped ${r.skippedEmpty}, failed ${r.failed}\n`,
            );
          }
        }),
      ),
    );
}

const sendServices = async () => {
  const [{ DigestService }, { DeliveryQueue }] = await Promise.all([import('../digests/digest.service.js'), import('../digests/delivery.queue.js')]);
  return [DigestService, DeliveryQueue] as const;
};
const viewService = async () => [(await import('../digests/digest-view.service.js')).DigestViewService] as const;
const runsService = async () => [(await import('../digests/digest-runs.service.js')).DigestRunsService] as const;

/** A whole number of at least 1, or bad usage (commander's error: exit 2) naming the option. */
function positiveInt(option: string): (v: string) => number {
  return (v) => {
    if (!/^[1-9]\d{0,5}$/.test(v)) throw new InvalidArgumentError(`${option} must be a whole number from 1 to 999999, got "${v.slice(0, 20)}"`);
    return Number(v);
  };
}
