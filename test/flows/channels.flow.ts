import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { DigestService } from '../../src/digests/digest.service.js';
import { adminCookie } from '../support/admin-session.js';
import { adminHeaders, TEST_ADMIN_TOKEN, type StartApp, type TestApp } from '../support/app.js';
import { queryApp } from '../support/db.js';
import { clearPapers, ingestDay } from '../support/digest.js';
import { HttpSink, type SinkRequest } from '../support/http-sink.js';
import { openForm, postForm } from '../support/web.js';

const SECRET = 'channel-test-secret-0123456789';

/**
 * Must show 2: team channels against a local HTTP sink. Run on SQLite by test/e2e/channels.test.ts
 * and on PostgreSQL by test/integration/integrations.postgres.test.ts.
 */
export function describeChannels(startApp: StartApp): void {
  describe('team channels', () => {
    let t: TestApp;
    let sink: HttpSink;

    const api = (path = '', init: RequestInit = {}) =>
      fetch(`${t.url}/api/admin/channels${path}`, { ...init, headers: { ...adminHeaders, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    const add = (body: Record<string, unknown>) => api('', { method: 'POST', body: JSON.stringify(body) });
    const run = () => t.app.get(DigestService).run({ all: true }, 'admin');
    const at = (path: string) => sink.requests.filter((r) => r.path === path);

    /** The admin page's HTML, signed in with the token through its login form. */
    async function adminPage(): Promise<string> {
      const login = await openForm(`${t.url}/admin`);
      const res = await postForm(`${t.url}/admin/login`, { _csrf: login.csrf, token: TEST_ADMIN_TOKEN }, login.cookie);
      const session = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .concat(login.cookie)
        .join('; ');
      return (await openForm(`${t.url}/admin`, session)).html;
    }

    beforeAll(async () => {
      sink = await new HttpSink().start();
      t = await startApp({ WEBHOOK_SECRET: SECRET, DIGEST_RETRY_BASE_MS: '10', DIGEST_RETRIES: '3' });
      await clearPapers(t.app);
      await ingestDay(t.app, '2026-07-16');
    });

    afterEach(async () => {
      sink.respond = () => ({ status: 200, body: 'ok' });
      for (const c of (await (await api()).json()) as { name: string }[]) expect((await api(`/${c.name}`, { method: 'DELETE' })).status).toBe(204);
    });

    afterAll(async () => {
      await t.close();
      await sink.stop();
    });

    it('is managed through /api/admin/channels, with bad input named and admin auth required', async () => {
      expect((await fetch(`${t.url}/api/admin/channels`)).status).toBe(401);
      const bad = await add({ name: 'x', kind: 'telegram', url: 'ftp://nope', topics: ['no-such-topic'] });
      expect(bad.status).toBe(400);
      const message = ((await bad.json()) as { message: string }).message;
      expect(message).toMatch(/kind: one of slack, discord, webhook/);
      expect(message).toMatch(/url: an http/);
      expect(message).toMatch(/topics: unknown no-such-topic/);
      expect((await add({ name: 'lab', kind: 'webhook', url: sink.url('/lab'), topics: ['agents'] })).status).toBe(201);
      expect((await add({ name: 'lab', kind: 'webhook', url: sink.url('/lab'), topics: ['agents'] })).status).toBe(409);
      const list = (await (await api()).json()) as { name: string; kind: string; topics: string[]; lastDeliveryAt: string | null }[];
      expect(list).toEqual([expect.objectContaining({ name: 'lab', kind: 'webhook', topics: ['agents'], lastDeliveryAt: null })]);
      expect((await api('/nobody', { method: 'DELETE' })).status).toBe(404);
    });

    it('delivers once over two runs, signed so the body verifies under WEBHOOK_SECRET', async () => {
      await add({ name: 'lab', kind: 'webhook', url: sink.url('/once'), topics: ['agents'] });
      const first = await run();
      const second = await run();
      expect(first.channels).toEqual({ selected: 1, sent: 1, skippedEmpty: 0, failed: 0 });
      expect(second.channels).toEqual({ selected: 0, sent: 0, skippedEmpty: 0, failed: 0 });
      const got = at('/once');
      expect(got).toHaveLength(1);
      const expected = `sha256=${createHmac('sha256', SECRET).update(got[0].body).digest('hex')}`;
      expect(got[0].headers['x-paperboy-signature']).toBe(expected);
      const tampered = `sha256=${createHmac('sha256', SECRET)
        .update(got[0].body + ' ')
        .digest('hex')}`;
      expect(got[0].headers['x-paperboy-signature']).not.toBe(tampered);
      const body = JSON.parse(got[0].body) as { type: string; channel: string; papers: { title: string; reasons: { label: string; words: string[] }[] }[] };
      expect(body).toMatchObject({ type: 'digest', channel: 'lab' });
      expect(body.papers.length).toBeGreaterThan(0);
      expect(body.papers[0].reasons[0].label).toBe('AI agents and tool use');
      const [state] = (await (await api()).json()) as { lastDeliveryAt: string | null }[];
      expect(state.lastDeliveryAt).not.toBeNull();
    });

    it('retries a sink answering 500 twice, and it gets the digest on the third try', async () => {
      await add({ name: 'flaky', kind: 'webhook', url: sink.url('/flaky'), topics: ['agents'] });
      let n = 0;
      sink.respond = (req) => (req.path === '/flaky' && n++ < 2 ? { status: 500, body: 'down' } : { status: 200 });
      const summary = await run();
      expect(summary.channels).toMatchObject({ sent: 1, failed: 0 });
      expect(at('/flaky').map((r) => r.status)).toEqual([500, 500, 200]);
      const [row] = await queryApp<{ status: string; attempts: number }>(
        t.app,
        "SELECT d.status, d.attempts FROM channel_deliveries d JOIN channels c ON c.id = d.channel_id WHERE c.name = 'flaky'",
      );
      expect({ status: row.status, attempts: Number(row.attempts) }).toEqual({ status: 'sent', attempts: 3 });
    });

    it('waits as long as a 429 Retry-After says before trying again', async () => {
      await add({ name: 'limited', kind: 'slack', url: sink.url('/limited'), topics: ['agents'] });
      let n = 0;
      sink.respond = (req) => (req.path === '/limited' && n++ === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
      await run();
      const [first, second] = at('/limited');
      expect([first.status, second.status]).toEqual([429, 200]);
      expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    });

    it('records a 4xx as failed with the reason, shown in the channel state, and does not retry it', async () => {
      await add({ name: 'gone', kind: 'discord', url: sink.url('/gone'), topics: ['agents'] });
      sink.respond = (req) => (req.path === '/gone' ? { status: 404, body: 'Unknown Webhook' } : { status: 200 });
      expect((await run()).channels).toMatchObject({ selected: 1, failed: 1 });
      await run();
      expect(at('/gone')).toHaveLength(1);
      const [state] = (await (await api()).json()) as { lastError: string }[];
      expect(state.lastError).toBe('HTTP 404: Unknown Webhook');
      const [row] = await queryApp<{ status: string; error: string }>(
        t.app,
        "SELECT d.status, d.error FROM channel_deliveries d JOIN channels c ON c.id = d.channel_id WHERE c.name = 'gone'",
      );
      expect(row).toEqual({ status: 'rejected', error: 'HTTP 404: Unknown Webhook' });
      const page = await adminPage();
      expect(page).toContain('<h2 id="integrations-title">Integrations</h2>');
      expect(page).toMatch(/<td>gone<\/td>\s*<td>discord<\/td>[\s\S]*?HTTP 404: Unknown Webhook/);
    });

    it('is managed from the admin page too: a form adds a channel (bad input named, nothing stored), a button removes it', async () => {
      const cookie = await adminCookie(t.url);
      const form = async () => {
        const html = await (await fetch(`${t.url}/admin`, { headers: { cookie } })).text();
        expect(html).toContain('<form method="post" action="/admin/channels"');
        return /name="_csrf" value="([^"]+)"/.exec(html)![1];
      };
      const fields = { name: 'from-page', kind: 'discord', url: sink.url('/page'), topics: 'agents, robotics', keywords: '', hour: '7' };
      const bad = await postForm(`${t.url}/admin/channels`, { _csrf: await form(), ...fields, kind: 'telegram', topics: 'no-such-topic' }, cookie);
      expect(bad.status).toBe(400);
      const page = await bad.text();
      expect(page).toMatch(/kind: one of slack, discord, webhook/);
      expect(page).toMatch(/topics: unknown no-such-topic/);
      expect(await (await api()).json()).toEqual([]);
      const signedOut = await postForm(`${t.url}/admin/channels`, { _csrf: await form(), ...fields }, '');
      expect([signedOut.status, signedOut.headers.get('location')]).toEqual([303, '/admin']); // to the sign-in page
      expect(await (await api()).json()).toEqual([]);

      const added = await postForm(`${t.url}/admin/channels`, { _csrf: await form(), ...fields }, cookie);
      expect(added.status).toBe(303);
      expect(await (await api()).json()).toEqual([expect.objectContaining({ name: 'from-page', kind: 'discord', topics: ['agents', 'robotics'], hour: 7 })]);
      expect((await postForm(`${t.url}/admin/channels`, { _csrf: await form(), ...fields }, cookie)).status).toBe(409);
      const listed = await (await fetch(`${t.url}/admin`, { headers: { cookie } })).text();
      expect(listed).toMatch(/<td>from-page<\/td>\s*<td>discord<\/td>[\s\S]*?action="\/admin\/channels\/from-page\/remove"/);

      const removed = await postForm(`${t.url}/admin/channels/from-page/remove`, { _csrf: await form() }, cookie);
      expect(removed.status).toBe(303);
      expect(await (await api()).json()).toEqual([]);
    });

    it("renders Slack blocks and Discord embeds within the platforms' limits", async () => {
      await add({ name: 'slack', kind: 'slack', url: sink.url('/slack'), topics: ['agents', 'robotics', 'llm'], keywords: 'model' });
      await add({ name: 'discord', kind: 'discord', url: sink.url('/discord'), topics: ['agents', 'robotics', 'llm'], keywords: 'model' });
      await run();
      const slack = JSON.parse(at('/slack')[0].body) as { text: string; blocks: { type: string; text?: { text: string } }[] };
      expect(slack.text).toMatch(/Paperboy digest for slack/);
      expect(slack.blocks.length).toBeLessThanOrEqual(50);
      expect(slack.blocks[0].type).toBe('header');
      expect(slack.blocks[0].text!.text.length).toBeLessThanOrEqual(150);
      for (const b of slack.blocks.filter((b) => b.type === 'section')) expect(b.text!.text.length).toBeLessThanOrEqual(3000);
      expect(slack.blocks.filter((b) => b.type === 'section').length).toBeGreaterThan(0);
      const discord = JSON.parse(at('/discord')[0].body) as { content: string; embeds: { title: string; url: string; description: string }[] };
      expect(discord.embeds.length).toBeGreaterThan(0);
      expect(discord.embeds.length).toBeLessThanOrEqual(10);
      expect(discord.content.length).toBeLessThanOrEqual(2000);
      expect(discord.embeds.reduce((n, e) => n + e.title.length + e.description.length, 0)).toBeLessThanOrEqual(6000);
      for (const e of discord.embeds) expect(e.url).toMatch(/^https:\/\//);
    });

    describe('a sender killed with SIGKILL mid-run', () => {
      function send() {
        const child = spawn(process.execPath, [fromRoot('bin/paperboy.js'), 'send', '--all', '--json'], {
          env: {
            PATH: process.env.PATH ?? '',
            NODE_ENV: 'test',
            LOG_LEVEL: 'silent',
            DATABASE_URL: t.databaseUrl,
            VAR_DIR: join(t.dir, 'var'),
            PUBLIC_URL: t.url,
            ADMIN_TOKEN: TEST_ADMIN_TOKEN,
            WEBHOOK_SECRET: SECRET,
            DIGEST_RETRY_BASE_MS: '10',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += d));
        return { child, output: () => stdout };
      }

      it('leaves no duplicate: the next run sends only what was never acknowledged, under the same delivery id', async () => {
        for (const name of ['a-team', 'b-team', 'c-team']) await add({ name, kind: 'webhook', url: sink.url(`/${name}`), topics: ['agents'] });
        let heldOnce = false;
        sink.respond = (req) => (req.path === '/b-team' && !heldOnce ? ((heldOnce = true), 'hold') : { status: 200 });
        const first = send();
        await sink.until((rs) => rs.some((r: SinkRequest) => r.path === '/b-team'));
        first.child.kill('SIGKILL');
        await once(first.child, 'exit');
        expect(at('/c-team')).toHaveLength(0);

        const second = send();
        const [code] = await once(second.child, 'exit');
        expect(code).toBe(0);
        expect(JSON.parse(second.output()).channels).toEqual({ selected: 2, sent: 2, skippedEmpty: 0, failed: 0 });
        for (const name of ['a-team', 'b-team', 'c-team']) expect(sink.delivered.filter((r) => r.path === `/${name}`)).toHaveLength(1);
        expect(at('/a-team')).toHaveLength(1);
        const [killed, resent] = at('/b-team');
        expect(killed.status).toBeNull();
        expect(resent.headers['x-paperboy-delivery']).toBe(killed.headers['x-paperboy-delivery']);
        const rows = await queryApp<{ status: string; n: number | string }>(
          t.app,
          "SELECT d.status, count(*) AS n FROM channel_deliveries d JOIN channels c ON c.id = d.channel_id WHERE c.name LIKE '%-team' GROUP BY d.status",
        );
        expect(rows.map((r) => ({ status: r.status, n: Number(r.n) }))).toEqual([{ status: 'sent', n: 3 }]);
      });
    });
  });
}
