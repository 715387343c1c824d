import type { Command } from 'commander';
import type { Channel } from '../channels/channel.types.js';
import { withServices } from './cli.context.js';
import { printJson } from './output.js';
import { action } from './run-command.js';

interface AddFlags {
  kind?: string;
  url?: string;
  topics?: string;
  keywords?: string;
  hour?: string;
  json?: boolean;
}

/** `paperboy channels add|list|remove`: team destinations for digests (src/channels). */
export function registerChannels(program: Command): void {
  const channels = program.command('channels').description('team channels: Slack, Discord or a signed webhook get a digest in each run');
  channels
    .command('add')
    .description('add a channel; it gets its digest once a day, in the first run at or after --hour (UTC)')
    .argument('<name>')
    .requiredOption('--kind <slack|discord|webhook>', 'slack or discord incoming webhook, or webhook (JSON signed with WEBHOOK_SECRET)')
    .requiredOption('--url <url>', 'the incoming-webhook URL')
    .option('--topics <slugs>', 'topic slugs, comma-separated')
    .option('--keywords <query>', 'keywords, in the topic query language')
    .option('--hour <0-23>', 'UTC hour of delivery (default DIGEST_DEFAULT_HOUR)')
    .option('--json', 'print JSON')
    .action(
      action(async (name: string, flags: AddFlags) =>
        withServices(channelsService, async ([channels]) => {
          const c = await channels.add({ name, kind: flags.kind, url: flags.url, topics: flags.topics ?? [], keywords: flags.keywords, hour: flags.hour });
          if (flags.json) return printJson(c);
          process.stdout.write(`${line(c)}\n`);
        }),
      ),
    );
  channels
    .command('list')
    .description('channels with their last delivery and last error')
    .option('--json', 'print JSON')
    .action(
      action(async (flags: { json?: boolean }) =>
        withServices(channelsService, async ([channels]) => {
          const list = await channels.list();
          if (flags.json) return printJson(list);
          for (const c of list) process.stdout.write(`${line(c)}\n`);
        }),
      ),
    );
  channels
    .command('remove')
    .description('remove a channel and its delivery history')
    .argument('<name>')
    .action(
      action(async (name: string) =>
        withServices(channelsService, async ([channels]) => {
          await channels.remove(name);
          process.stdout.write(`removed ${name}\n`);
        }),
      ),
    );
}

const channelsService = async () => [(await import('../channels/channels.service.js')).ChannelsService] as const;

function line(c: Channel): string {
  const what = [c.topics.join(', '), c.keywords ? `"${c.keywords}"` : ''].filter(Boolean).join(' + ');
  const state =
    c.lastError && (!c.lastDeliveryAt || c.lastErrorAt! > c.lastDeliveryAt)
      ? `last error ${c.lastErrorAt}: ${c.lastError}`
      : `last delivery ${c.lastDeliveryAt ?? 'never'}`;
  return `${c.name}  ${c.kind}  ${new URL(c.url).host}  ${what}  at ${String(c.hour).padStart(2, '0')}:00 UTC  ${state}`;
}
