import { once } from 'node:events';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidInputError } from '../common/errors.js';
import type { ImportReport, SubscriberDirectory, SubscriberView } from '../subscribers/subscriber-directory.service.js';
import { withServices } from './cli.context.js';
import { printJson } from './output.js';
import { action, EXIT } from './run-command.js';

interface AddFlags {
  topics?: string;
  keywords?: string;
  frequency?: string;
  timezone?: string;
  hour?: string;
  authors?: string;
  likes?: string;
  confirmed?: boolean;
  json?: boolean;
}

export function registerSubscribers(program: Command): void {
  const subscribers = program.command('subscribers').description('subscribers, as an operator sees them (no email is sent by these commands)');
  subscribers
    .command('add')
    .description('add a subscriber, or change an existing one; pending unless --confirmed')
    .argument('<email>')
    .option('--topics <slugs>', 'topic slugs, comma-separated (see `paperboy topics list`)')
    .option('--keywords <query>', 'their own keywords, in the topic query language')
    .option('--frequency <daily|weekly>', 'daily (default) or weekly')
    .option('--timezone <zone>', 'IANA time zone, e.g. Europe/Paris (default UTC)')
    .option('--hour <0-23>', 'local hour of delivery (default DIGEST_DEFAULT_HOUR)')
    .option('--authors <names>', 'authors to follow, separated by ";" ("A. Name; B. Name")')
    .option('--likes <ids>', 'papers they like (arXiv ids or paper URLs, comma-separated): a cold start for their personal ranking')
    .option('--confirmed', 'add them confirmed: they get digests without the confirmation email')
    .option('--json', 'print JSON')
    .action(
      action(async (email: string, flags: AddFlags) =>
        withServices(subscribersService, async ([subscribers]) => {
          const { topics, confirmed, json, ...rest } = flags;
          const s = await subscribers.addByOperator({ email, topics: splitList(topics), ...rest }, { confirmed: Boolean(confirmed) });
          if (json)
            return printJson({ email: s.email, status: s.status, topics: s.topics, keywords: s.keywords, authors: s.authors ?? [], likes: s.likes ?? [] });
          process.stdout.write(`${s.email}: ${s.status}, topics ${s.topics.join(', ') || '(none)'}${s.keywords ? `, keywords "${s.keywords}"` : ''}\n`);
        }),
      ),
    );
  subscribers
    .command('list')
    .description('subscribers, oldest first')
    .option('--status <status>', 'pending, confirmed, unsubscribed, bounced or complained')
    .option('--q <text>', 'only addresses containing this text')
    .option('--json', 'print JSON')
    .action(action(async (flags: { status?: string; q?: string; json?: boolean }) => withServices(directory, async ([d]) => list(d, flags))));
  subscribers
    .command('remove')
    .description('delete a subscriber and their delivery history')
    .argument('<email>')
    .option('--json', 'print JSON')
    .action(
      action(async (email: string, flags: { json?: boolean }) =>
        withServices(directory, async ([d]) => {
          const result = await d.remove(email);
          if (flags.json) printJson(result);
          else process.stdout.write(`removed ${result.removed}\n`);
        }),
      ),
    );
  subscribers
    .command('import')
    .description(
      'add subscribers from a CSV (header email,topics,keywords,frequency,timezone,hour; topics separated by ;). Exit 0 when rows were imported (rejected rows are reported with their line), 2 when the file is malformed or no row could be imported',
    )
    .argument('<file>')
    .option('--authors <names>', 'authors to follow, separated by ";" ("A. Name; B. Name")')
    .option('--likes <ids>', 'papers they like (arXiv ids or paper URLs, comma-separated): a cold start for their personal ranking')
    .option('--confirmed', 'add them confirmed')
    .option('--json', 'print JSON')
    .action(action(async (file: string, flags: { confirmed?: boolean; json?: boolean }) => withServices(directory, async ([d]) => importFile(d, file, flags))));
  subscribers
    .command('export')
    .description('every subscriber as CSV on stdout (email,topics,keywords,frequency,timezone,hour,status)')
    .action(
      action(async () =>
        withServices(directory, async ([d]) => {
          for await (const chunk of d.exportCsv()) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        }),
      ),
    );
}

const directory = async () => [(await import('../subscribers/subscriber-directory.service.js')).SubscriberDirectory] as const;
const subscribersService = async () => [(await import('../subscribers/subscribers.service.js')).SubscribersService] as const;

async function list(directory: SubscriberDirectory, flags: { status?: string; q?: string; json?: boolean }): Promise<void> {
  const all: SubscriberView[] = [];
  for (let offset = 0; ;) {
    const page = await directory.search({ q: flags.q, status: flags.status, limit: 500, offset });
    if (flags.json) all.push(...page.items);
    else for (const s of page.items) process.stdout.write(line(s));
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) break;
  }
  if (flags.json) printJson(all);
}

function line(s: SubscriberView): string {
  const what = [s.topics.join(','), s.keywords ? `"${s.keywords}"` : ''].filter(Boolean).join(' ');
  return `${s.email.padEnd(36)} ${s.status.padEnd(12)} ${s.frequency.padEnd(6)} ${String(s.hour).padStart(2, '0')}:00 ${s.timezone.padEnd(16)} ${what}${s.paused ? ' (paused)' : ''}\n`;
}

async function importFile(directory: SubscriberDirectory, file: string, flags: { confirmed?: boolean; json?: boolean }): Promise<number> {
  await access(file, constants.R_OK).catch((err: Error) => {
    throw new InvalidInputError(`${file}: cannot read: ${err.message}`);
  });
  const report = await directory.importCsv(file, { confirmed: Boolean(flags.confirmed) });
  if (flags.json) printJson(report);
  else printReport(file, report);
  return report.rejected.length > 0 && report.created + report.updated === 0 ? EXIT.badInput : EXIT.ok;
}

function printReport(file: string, r: ImportReport): void {
  process.stdout.write(`${file}: ${r.rows} rows: ${r.created} created, ${r.updated} updated, ${r.rejected.length} rejected\n`);
  for (const x of r.rejected) process.stdout.write(`  line ${x.line}${x.email ? ` (${x.email})` : ''}: rejected: ${x.reason}\n`);
}

function splitList(v: string | undefined): string[] | undefined {
  return v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}
