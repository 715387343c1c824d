import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { describeChannels } from '../flows/channels.flow.js';

describeChannels(startApp);

/** `paperboy channels add|list|remove` as its own process, on the app's database. */
describe('paperboy channels', () => {
  let t: TestApp;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(['channels', ...args], env);

  beforeAll(async () => {
    t = await startApp();
    env = { DATABASE_URL: t.databaseUrl, VAR_DIR: join(t.dir, 'var'), LOG_LEVEL: 'silent' };
  });

  afterAll(async () => {
    await t.close();
  });

  it('adds, lists and removes a channel; bad input exits 2 naming what is wrong and stores nothing', async () => {
    const bad = await cli('add', 'lab', '--kind', 'telegram', '--url', 'ftp://nope', '--topics', 'agents');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/kind: one of slack, discord, webhook/);
    expect(bad.stderr).toMatch(/url: an http/);
    expect(JSON.parse((await cli('list', '--json')).stdout)).toEqual([]);

    const added = await cli(
      'add',
      'lab',
      '--kind',
      'slack',
      '--url',
      'https://hooks.slack.com/services/T0/B0/x',
      '--topics',
      'agents,robotics',
      '--hour',
      '7',
      '--json',
    );
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'lab', kind: 'slack', topics: ['agents', 'robotics'], hour: 7, lastDeliveryAt: null });
    const again = await cli('add', 'lab', '--kind', 'slack', '--url', 'https://hooks.slack.com/services/T0/B0/x', '--topics', 'agents');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/a channel named "lab" exists already/);

    const list = await cli('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^lab {2}slack {2}hooks\.slack\.com {2}agents, robotics {2}at 07:00 UTC {2}last delivery never$/m);

    expect(await cli('remove', 'lab')).toMatchObject({ code: 0, stdout: 'removed lab\n' });
    const gone = await cli('remove', 'lab');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/no channel named "lab"/);
    expect(JSON.parse((await cli('list', '--json')).stdout)).toEqual([]);
  }, 300_000); // nine CLI processes, each paying Node + Nest start-up on a shared machine
});
