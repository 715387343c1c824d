import type { Command } from 'commander';
import { withServices } from './cli.context.js';
import { printJson } from './output.js';
import { action, EXIT } from './run-command.js';

const runsService = async () => [(await import('../digests/digest-runs.service.js')).DigestRunsService] as const;
const digestService = async () => [(await import('../digests/digest.service.js')).DigestService] as const;

/** `runs show ID` and `runs retry ID`, under the existing `runs` command (which lists runs). */
export function registerRunCommands(runs: Command): void {
  runs
    .command('show')
    .description("a run's counts and each subscriber's outcome in the ledger")
    .argument('<id>')
    .option('--status <status>', 'only deliveries with this status (pending, sent, skipped, failed, bounced)')
    .option('--json', 'print JSON')
    .action(
      action(async (id: string, _flags: unknown, cmd: Command) =>
        withServices(runsService, async ([runs]) => {
          // The parent `runs` also has --json; whichever of the two read it, it counts.
          const flags = cmd.optsWithGlobals<{ status?: string; json?: boolean }>();
          const { runIdOf } = await import('../admin/admin-api.input.js');
          const detail = await runs.show(runIdOf(id), { status: flags.status, limit: 5000 });
          if (flags.json) return printJson(detail);
          const r = detail.run;
          process.stdout.write(
            `run ${r.id}  ${r.startedAt.toISOString()}  ${r.trigger} ${r.status}: selected ${r.selected}, sent ${r.sent}, skipped ${r.skippedEmpty}, failed ${r.failed}\n`,
          );
          const q = detail.queue;
          if (q)
            process.stdout.write(
              `  handed to workers: ${q.readers} due readers in ${q.ranges} jobs, ${q.done} done (a reader has a delivery below once a worker claims it)\n`,
            );
          for (const d of detail.deliveries) {
            const copy = d.resend ? ` copy ${d.resend}` : '';
            process.stdout.write(
              `  ${d.email.padEnd(36)} ${d.period}${copy}  ${d.status.padEnd(8)} attempts ${d.attempts}, papers ${d.papers}${d.error ? `  ${d.error}` : ''}\n`,
            );
          }
          if (detail.deliveries.length < detail.total) process.stdout.write(`  … ${detail.total - detail.deliveries.length} more\n`);
        }),
      ),
    );
  runs
    .command('retry')
    .description('retry exactly the deliveries this run left failed, as a new run')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(
      action(async (id: string, _flags: unknown, cmd: Command) =>
        withServices(digestService, async ([digests]) => {
          const { runIdOf } = await import('../admin/admin-api.input.js');
          const result = await digests.retryFailed(runIdOf(id), 'cli');
          if (cmd.optsWithGlobals<{ json?: boolean }>().json) printJson(result);
          else
            process.stdout.write(
              `run ${result.runId} (retry of ${id}): selected ${result.selected}, sent ${result.sent}, skipped (no papers) ${result.skippedEmpty}, failed ${result.failed}\n`,
            );
          return result.failed > 0 ? EXIT.failed : EXIT.ok;
        }),
      ),
    );
}
