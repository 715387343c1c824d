import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { fromRoot } from '../../src/common/paths.js';
import { DigestService } from '../../src/digests/digest.service.js';
import { DigestViewService, type Preview } from '../../src/digests/digest-view.service.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { SubscriberLinks } from '../../src/subscribers/subscriber-links.service.js';
import type { StartApp, TestApp } from '../support/app.js';
import { queryApp } from '../support/db.js';
import { addConfirmed } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { onTestServer, openForm, postForm } from '../support/web.js';

const DAYS = fromRoot('test/fixtures/digest/kv-days');
const READER = { topics: ['agents', 'llm'] };
/** Three coding-agent papers of those days, liked by arXiv id or URL. */
const LIKES = ['2608.09802', 'https://arxiv.org/abs/2608.08311v2', 'https://huggingface.co/papers/2608.07645'];
/** Also about software built by agents, not liked: it should move up for the reader who likes the three. */
const SIMILAR = 'Persistent Recursive Worlds Enable Autonomous Software Evolution';

/**
 * "More like this / less like this" on four real days of Hugging Face Daily Papers (2026-08-11..14):
 * links on every paper, a GET that records nothing (mail scanners), a POST that records once, the
 * votes on the preferences page, and a personal ranking that moves papers.
 * Run on SQLite by test/e2e/feedback.test.ts and on PostgreSQL by test/integration/feedback.postgres.test.ts.
 */
export function describeFeedback(start: StartApp): void {
  let t: TestApp;

  async function preview(email: string): Promise<Preview> {
    return t.app.get(DigestViewService).preview(email, { limit: 200 });
  }

  function order(p: Preview): string[] {
    return p.papers.map((x) => `${x.id}:${x.score}`);
  }

  async function votes(): Promise<{ subscriber_id: number; paper_id: number; vote: number }[]> {
    return queryApp(t.app, 'SELECT subscriber_id, paper_id, vote FROM feedback_votes ORDER BY paper_id');
  }

  beforeAll(async () => {
    t = await start({ DIGEST_MAX_PAPERS: '10' });
    await queryApp(t.app, 'DELETE FROM papers');
    for (const f of readdirSync(DAYS).sort()) await t.app.get(IngestService).ingestFile(`${DAYS}/${f}`);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('feedback links', () => {
    it('a link scanner GETting every feedback link of a digest records nothing and changes no ranking', async () => {
      await addConfirmed(t.app, 'scanned@example.org', READER);
      const before = await preview('scanned@example.org');
      const links = new Set<string>();
      for (const p of before.papers) for (const url of [p.feedback.more, p.feedback.less]) links.add(url!);
      const inHtml = [...before.html.matchAll(/href="([^"]*\/feedback\/[^"]+)"/g)].map((m) => m[1]);
      const inText = before.text.match(/https?:\/\/\S+\/feedback\/\S+/g) ?? [];
      expect(inHtml).toHaveLength(2 * before.shown);
      expect(inText).toHaveLength(2 * before.shown);
      for (const url of [...inHtml, ...inText]) links.add(url);
      for (const link of links) {
        const res = await fetch(onTestServer(t.url, link));
        expect(res.status).toBe(200);
        expect(await res.text()).toMatch(/<form method="post" action="\/feedback\//);
      }
      expect(await votes()).toEqual([]);
      const after = await preview('scanned@example.org');
      expect(order(after)).toEqual(order(before));
      // The same links' buttons do change it: the check above could fail.
      const last = before.papers[before.papers.length - 1];
      expect((await fetch(onTestServer(t.url, last.feedback.more!), { method: 'POST' })).status).toBe(200);
      expect(order(await preview('scanned@example.org'))).not.toEqual(order(before));
    });

    it('POST records with no cookie and no redirect, once, and the opposite vote replaces it', async () => {
      const s = await addConfirmed(t.app, 'voter@example.org', READER);
      const [paper] = (await preview('voter@example.org')).papers;
      const more = onTestServer(t.url, paper.feedback.more!);
      for (let i = 0; i < 2; i++) {
        const res = await fetch(more, { method: 'POST', redirect: 'manual' });
        expect(res.status).toBe(200);
        expect(res.headers.get('set-cookie')).toBeNull();
        expect(await res.text()).toContain('Noted: More like this');
      }
      const mine = async () => (await votes()).filter((v) => Number(v.subscriber_id) === s.id);
      expect(await mine()).toEqual([{ subscriber_id: s.id, paper_id: paper.id, vote: 1 }]);
      expect((await fetch(onTestServer(t.url, paper.feedback.less!), { method: 'POST' })).status).toBe(200);
      expect((await mine()).map((v) => Number(v.vote))).toEqual([-1]);
      // A token for another purpose, or altered, is not a vote link.
      const links = t.app.get(SubscriberLinks);
      expect((await fetch(`${t.url}/feedback/${links.token(s, 'preferences')}`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${more.slice(0, -3)}AAA`, { method: 'POST' })).status).toBe(404);
    });

    it('puts each paper’s title, then its "more like this", then its "less like this" link in the digest email', async () => {
      const sink = await new SmtpSink().start();
      const app = await start({ MAIL_TRANSPORT: sink.url, DIGEST_MAX_PAPERS: '5' });
      try {
        await queryApp(app.app, 'DELETE FROM papers');
        for (const f of readdirSync(DAYS).sort()) await app.app.get(IngestService).ingestFile(`${DAYS}/${f}`);
        await addConfirmed(app.app, 'mail@example.org', READER);
        await app.app.get(DigestService).run({ all: true }, 'cli');
        await sink.waitFor(1);
        const [mail] = sink.to('mail@example.org');
        const html = mail.parsed.html as string;
        const blocks = html.split('class="pb-title"').slice(1);
        expect(blocks).toHaveLength(5);
        for (const b of blocks) {
          const title = b.indexOf('</h3>');
          const more = b.indexOf('>More like this</a>');
          const less = b.indexOf('>Less like this</a>');
          expect(title).toBeGreaterThan(0);
          expect(more).toBeGreaterThan(title);
          expect(less).toBeGreaterThan(more);
          expect(b.slice(0, less)).toMatch(/\/feedback\/[^"]+"[^>]*>More like this/);
        }
        expect((mail.parsed.text ?? '').match(/More like this: \S+\/feedback\//g)).toHaveLength(5);
        expect((mail.parsed.text ?? '').match(/Less like this: \S+\/feedback\//g)).toHaveLength(5);
      } finally {
        await app.close();
        await sink.stop();
      }
    });

    it('lists the votes on the preferences page, each undoable, and in "export my data"; "delete me" removes them', async () => {
      const s = await addConfirmed(t.app, 'undo@example.org', READER);
      const [a, b] = (await preview('undo@example.org')).papers;
      await fetch(onTestServer(t.url, a.feedback.more!), { method: 'POST' });
      await fetch(onTestServer(t.url, b.feedback.less!), { method: 'POST' });
      // The reader's model is stored at the vote (a run reads it instead of every voted paper).
      const stamps = async () =>
        (await queryApp<{ stamp: string }>(t.app, `SELECT stamp FROM reader_models WHERE subscriber_id = ${s.id}`)).map((r) => r.stamp);
      expect((await stamps())[0]).toMatch(/^2@/);
      const prefs = `${t.url}/preferences/${t.app.get(SubscriberLinks).token(s, 'preferences')}`;
      const page = await openForm(prefs);
      expect(page.html).toContain(a.title.replace(/&/g, '&amp;'));
      expect(page.html).toContain('Less like this');
      const exported = await postForm(prefs, { _csrf: page.csrf, action: 'export' }, page.cookie);
      const data = (await exported.json()) as { votes: { title: string; vote: string }[] };
      expect(data.votes.map((v) => [v.title, v.vote]).sort()).toEqual(
        [
          [a.title, 'more'],
          [b.title, 'less'],
        ].sort(),
      );
      const undone = await postForm(prefs, { _csrf: page.csrf, action: 'unvote', paper: String(a.id) }, page.cookie);
      expect(undone.status).toBe(303);
      expect((await votes()).filter((v) => Number(v.subscriber_id) === s.id).map((v) => Number(v.paper_id))).toEqual([b.id]);
      expect((await stamps())[0]).toMatch(/^1@/);
      const again = await openForm(prefs, page.cookie);
      await postForm(prefs, { _csrf: again.csrf, action: 'delete', confirm: 'yes' }, again.cookie);
      expect((await votes()).filter((v) => Number(v.subscriber_id) === s.id)).toEqual([]);
      expect(await stamps()).toEqual([]);
    });
  });

  describe('the personal ranking', () => {
    it('moves similar papers up for a reader who only gave three liked papers (no votes), and says why', async () => {
      await addConfirmed(t.app, 'plain@example.org', READER);
      const liker = await addConfirmed(t.app, 'liker@example.org', READER);
      await t.app.get(SubscriberRepository).update(liker.id, { likes: ['2608.09802', '2608.08311', '2608.07645'] });
      const plain = await preview('plain@example.org');
      const liked = await preview('liker@example.org');
      const place = (p: Preview, title: string) => p.papers.findIndex((x) => x.title.startsWith(title));
      // An agent that rewrites its own harness, like the self-improving coding agents liked: up, into the first places, with the reason.
      expect(place(liked, 'DarwinX')).toBeLessThan(place(plain, 'DarwinX'));
      expect(place(liked, 'DarwinX')).toBeLessThan(3);
      const why = liked.papers[place(liked, 'DarwinX')].reasons.map((r) => r.label).join(' ');
      expect(why).toMatch(/like “(SWE-Bench ProMax|Ouroboros|Mendel Gödel Machine)[^”]*”/);
      expect(liked.text).toMatch(/Why: .*like “/);
      // Software evolved by agents, near the bottom of the plain ranking: many places up.
      expect(place(plain, SIMILAR)).toBeGreaterThan(20);
      expect(place(liked, SIMILAR)).toBeLessThan(place(plain, SIMILAR) - 5);
      // The model stored for the three likes is built again when the likes change.
      const likedIn = async () => {
        const rows = await queryApp<{ stamp: string }>(t.app, `SELECT stamp FROM reader_models WHERE subscriber_id = ${liker.id}`);
        return rows.map((r) => r.stamp.split(';')[1].split(',').length);
      };
      expect(await likedIn()).toEqual([3]);
      await t.app.get(SubscriberRepository).update(liker.id, { likes: ['2608.09802'] });
      await preview('liker@example.org');
      expect(await likedIn()).toEqual([1]);
      await t.app.get(SubscriberRepository).update(liker.id, { likes: ['2608.09802', '2608.08311', '2608.07645'] });
      // Papers the reader already named are not news to them.
      for (const title of ['SWE-Bench ProMax', 'Ouroboros', 'Mendel Gödel Machine']) {
        expect(place(plain, title)).toBeGreaterThanOrEqual(0);
        expect(place(liked, title)).toBe(-1);
      }
    });

    it('takes likes as arXiv ids or paper URLs at subscribe time, and rejects what is neither', async () => {
      const ok = await fetch(`${t.url}/api/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'new@example.org', topics: ['agents'], likes: LIKES, authors: 'Y. LeCun; Fei-Fei Li' }),
      });
      expect(ok.status).toBe(202);
      const [row] = await queryApp<{ likes: string; authors: string }>(t.app, `SELECT likes, authors FROM subscribers WHERE email = 'new@example.org'`);
      expect(JSON.parse(row.likes)).toEqual(['2608.09802', '2608.08311', '2608.07645']);
      expect(JSON.parse(row.authors)).toEqual(['Y. LeCun', 'Fei-Fei Li']);
      const bad = await fetch(`${t.url}/api/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bad@example.org', topics: ['agents'], likes: ['not-a-paper'] }),
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toContain('"not-a-paper"');
    });

    it('send --dry-run selects as a real send does: followed authors and the stored model count', async () => {
      const other = (await preview('plain@example.org')).papers.find((p) => p.section.key !== 'robotics')!;
      const [row] = await queryApp<{ authors: string }>(t.app, `SELECT authors FROM papers WHERE id = ${other.id}`);
      const follower = await addConfirmed(t.app, 'follower@example.org', { topics: ['robotics'] });
      await t.app.get(SubscriberRepository).update(follower.id, { authors: [(JSON.parse(row.authors) as string[])[0]] });
      const digests = t.app.get(DigestService);
      const dry = await digests.run({ email: 'follower@example.org', dryRun: true }, 'cli');
      const [planned] = dry.recipients!;
      const viewed = await t.app.get(DigestViewService).preview('follower@example.org', { limit: 200 });
      expect(viewed.papers.map((p) => p.id)).toContain(other.id);
      expect(planned).toEqual({ email: 'follower@example.org', papers: viewed.shown, total: viewed.total });
      const sent = await digests.run({ email: 'follower@example.org' }, 'cli');
      expect(sent.sent).toBe(1);
      const rows = await queryApp<{ n: number }>(t.app, `SELECT count(*) AS n FROM sent_papers WHERE subscriber_id = ${follower.id}`);
      expect(Number(rows[0].n)).toBe(planned.total);
    });

    it("a single 'less like this' does not mute the paper's topic", async () => {
      await addConfirmed(t.app, 'mute-check@example.org', { topics: ['agents', 'llm', 'multimodal'] });
      const before = await t.app.get(DigestViewService).preview('mute-check@example.org');
      const email = before.papers;
      const victim = email.find((p) => p.section.key === 'multimodal') ?? email[email.length - 1];
      await fetch(onTestServer(t.url, victim.feedback.less!), { method: 'POST' });
      const after = await t.app.get(DigestViewService).preview('mute-check@example.org');
      const sections = (p: { papers: { section: { key: string } }[] }) => [...new Set(p.papers.map((x) => x.section.key))].sort();
      expect(sections(after)).toEqual(sections({ papers: email }));
    });
  });
}
