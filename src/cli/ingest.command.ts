import type { Command } from 'commander';
import { Option } from 'commander';
import type { IngestReport, IngestService } from '../papers/ingest.service.js';
import { DUMP_FORMATS, DumpRejectedError, type DumpFormat } from '../papers/paper.types.js';
import { withServices } from './cli.context.js';
import { note, printJson, progress } from './output.js';
import { action, EXIT } from './run-command.js';

interface IngestFlags {
  format: DumpFormat | 'auto';
  date?: string;
  strict?: boolean;
  backfill?: boolean;
  json?: boolean;
}

type FileResult = IngestReport | { file: string; rejected: { line: number | null; reason: string } };

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('ingest paper dumps; each file is one transaction: a rejected file stores nothing')
    .argument('<files...>', 'dump files')
    .addOption(new Option('--format <format>', 'dump format').choices(['auto', ...DUMP_FORMATS]).default('auto'))
    .option('--date <YYYY-MM-DD>', 'date for dumps that lack a year or day')
    .option('--strict', 'reject a file on its first broken record instead of skipping it')
    .option('--backfill', 'store for search and the archive only: never mailed in digests')
    .option('--json', 'print machine-readable results on stdout')
    .action(
      action(async (files: string[], flags: IngestFlags) =>
        withServices(
          async () => [(await import('../papers/ingest.service.js')).IngestService] as const,
          async ([service]) => ingestAll(service, files, flags),
        ),
      ),
    );
}

async function ingestAll(service: IngestService, files: string[], flags: IngestFlags): Promise<number> {
  const results: FileResult[] = [];
  const bar = progress('ingest');
  for (const [i, file] of files.entries()) {
    bar.update(i, files.length, file);
    results.push(await ingestOne(service, file, flags));
  }
  // Files commit without waiting for the disk; one wait makes them all durable before any is reported.
  await service.sync();
  bar.update(files.length, files.length, 'done');
  bar.stop();
  if (flags.json) printJson(results);
  else results.forEach(printResult);
  return results.some((r) => 'rejected' in r) ? EXIT.badInput : EXIT.ok;
}

async function ingestOne(service: IngestService, file: string, flags: IngestFlags): Promise<FileResult> {
  try {
    return await service.ingestFile(file, { format: flags.format, date: flags.date, strict: flags.strict, backfill: flags.backfill, durable: false });
  } catch (err) {
    if (!(err instanceof DumpRejectedError)) throw err;
    return { file, rejected: { line: err.line, reason: err.reason } };
  }
}

function printResult(r: FileResult): void {
  if ('rejected' in r) {
    note(`${r.file}${r.rejected.line != null ? `:${r.rejected.line}` : ''}: rejected: ${r.rejected.reason} (nothing stored)`);
    return;
  }
  process.stdout.write(`${r.file} [${r.format}]: read ${r.read}, new ${r.new}, updated ${r.updated}, unchanged ${r.unchanged}, skipped ${r.skipped}\n`);
  for (const s of r.skips.slice(0, 10)) process.stdout.write(`  skipped line ${s.line}: ${s.reason}\n`);
  if (r.skipped > 10) process.stdout.write(`  … and ${r.skipped - 10} more skipped\n`);
}
