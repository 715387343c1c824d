import { execFileSync } from 'node:child_process';
import { createHmac, createSign, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { sqlTimestamp } from '../../src/database/dialect.js';
import { suppressionHash } from '../../src/subscribers/email-address.js';
import { SubscriberRepository } from '../../src/subscribers/subscriber.repository.js';
import { snsStringToSign, type SnsMessage } from '../../src/webhooks/sns.verifier.js';
import { adminCookie } from '../support/admin-session.js';
import { startApp, type StartOptions, type TestApp } from '../support/app.js';
import { queryApp } from '../support/db.js';
import { addConfirmed } from '../support/digest.js';
import { HttpSink } from '../support/http-sink.js';

const SECRET = 'mail-events-secret-0123456789';
const POSTMARK_TOKEN = 'postmark-token-0123456789abcdef';
const MAILGUN_KEY = 'key-mailgun-signing-0123456789';

/** Each provider's bounce sample, sent with no signature at all. */
const UNSIGNED: Record<string, string> = {
  postmark: 'postmark-bounce.json',
  sendgrid: 'sendgrid-bounce.json',
  mailgun: 'mailgun-failed-permanent.json',
  ses: 'ses-bounce.sns.json',
  generic: 'generic-bounce.json',
};

const fixture = (name: string) => readFileSync(fromRoot('test/fixtures/mail-events', name), 'utf8');
const now = () => Math.floor(Date.now() / 1000);

/**
 * Must show 3: each provider's documented sample changes the subscriber; a tampered signature is 401 and
 * changes nothing. Run on SQLite by test/e2e/mail-events.test.ts and on PostgreSQL by test/integration/integrations.postgres.test.ts.
 */
export function describeMailEvents(database: StartOptions['database'] = 'sqlite'): void {
  describe('mail events in (/webhooks/mail/:provider)', () => {
    let t: TestApp;
    let aws: HttpSink;
    let certDir: string;
    let snsKey: string;
    const sendgrid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

    const post = (provider: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${t.url}/webhooks/mail/${provider}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const status = async (email: string) => (await t.app.get(SubscriberRepository).findByEmail(email))?.status;
    const suppressed = (email: string) => t.app.get(SubscriberRepository).isSuppressed(email);
    const eventCount = async () => Number((await queryApp<{ n: number }>(t.app, 'SELECT count(*) AS n FROM mail_events'))[0].n);

    async function reader(email: string): Promise<void> {
      await queryApp(t.app, 'DELETE FROM subscribers WHERE email = ?', [email]);
      await queryApp(t.app, 'DELETE FROM suppressions');
      await addConfirmed(t.app, email, { topics: ['agents'] });
    }

    const signed = {
      postmark: (body: string, token = POSTMARK_TOKEN) =>
        post('postmark', body, { authorization: `Basic ${Buffer.from(`postmark:${token}`).toString('base64')}` }),
      sendgrid: (body: string, tamper = false) => {
        const ts = String(now());
        const sig = sign('sha256', Buffer.from(ts + body), sendgrid.privateKey).toString('base64');
        return post('sendgrid', tamper ? body.replace('example@test.com', 'other@test.com') : body, {
          'x-twilio-email-event-webhook-signature': sig,
          'x-twilio-email-event-webhook-timestamp': ts,
        });
      },
      mailgun: (raw: string, key = MAILGUN_KEY) => {
        const body = JSON.parse(raw) as { signature: Record<string, string> };
        const timestamp = String(now());
        const token = randomBytes(25).toString('hex');
        body.signature = {
          timestamp,
          token,
          signature: createHmac('sha256', key)
            .update(timestamp + token)
            .digest('hex'),
        };
        return post('mailgun', JSON.stringify(body));
      },
      generic: (body: string, secret = SECRET) =>
        post('generic', body, { 'x-paperboy-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` }),
      ses: (raw: string, change: (m: SnsMessage) => void = () => undefined) => {
        const m = JSON.parse(raw) as SnsMessage;
        m.SigningCertURL = aws.url('/SimpleNotificationService-test.pem');
        if (m.SubscribeURL) m.SubscribeURL = aws.url(`/?Action=ConfirmSubscription&Token=${m.Token}`);
        m.Signature = createSign('RSA-SHA1').update(snsStringToSign(m)).sign(snsKey, 'base64');
        change(m);
        return post('ses', JSON.stringify(m), { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': m.Type });
      },
    };

    beforeAll(async () => {
      // A stand-in for AWS: serves the SNS signing certificate (self-signed here) and answers the SubscribeURL.
      certDir = mkdtempSync(join(tmpdir(), 'paperboy-sns-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(certDir, 'key.pem'),
          '-out',
          join(certDir, 'cert.pem'),
          '-days',
          '2',
          '-subj',
          '/CN=sns.test',
        ],
        { stdio: 'ignore' },
      );
      snsKey = readFileSync(join(certDir, 'key.pem'), 'utf8');
      const cert = readFileSync(join(certDir, 'cert.pem'), 'utf8');
      aws = await new HttpSink().start();
      aws.respond = (req) => (req.path.endsWith('.pem') ? { status: 200, body: cert } : { status: 200, body: '<ConfirmSubscriptionResponse/>' });
      const local = new RegExp(`^http://127\\.0\\.0\\.1:${aws.port}/`);
      t = await startApp(
        {
          WEBHOOK_SECRET: SECRET,
          POSTMARK_WEBHOOK_TOKEN: POSTMARK_TOKEN,
          MAILGUN_SIGNING_KEY: MAILGUN_KEY,
          SENDGRID_WEBHOOK_PUBLIC_KEY: sendgrid.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        },
        { database, configure: (c) => void (c.integrations.snsCertUrl = local) },
      );
    });

    afterAll(async () => {
      await t.close();
      await aws.stop();
      rmSync(certDir, { recursive: true, force: true });
    });

    describe.each([
      {
        provider: 'postmark',
        email: 'john@example.com',
        bounce: () => signed.postmark(fixture('postmark-bounce.json')),
        complaint: () => signed.postmark(fixture('postmark-spam-complaint.json')),
        tampered: () => signed.postmark(fixture('postmark-bounce.json'), 'wrong-token-0123456789'),
      },
      {
        provider: 'sendgrid',
        email: 'example@test.com',
        bounce: () => signed.sendgrid(fixture('sendgrid-bounce.json')),
        complaint: () => signed.sendgrid(fixture('sendgrid-spamreport.json')),
        tampered: () => signed.sendgrid(fixture('sendgrid-bounce.json'), true),
      },
      {
        provider: 'mailgun',
        email: 'alice@example.com',
        bounce: () => signed.mailgun(fixture('mailgun-failed-permanent.json')),
        complaint: () => signed.mailgun(fixture('mailgun-complained.json')),
        tampered: () => signed.mailgun(fixture('mailgun-failed-permanent.json'), 'key-not-the-signing-key'),
      },
      {
        provider: 'ses',
        email: 'jane@example.com',
        bounce: () => signed.ses(fixture('ses-bounce.sns.json')),
        complaint: () => signed.ses(fixture('ses-complaint.sns.json')),
        tampered: () => signed.ses(fixture('ses-bounce.sns.json'), (m) => void (m.Message = m.Message.replace('Permanent', 'Permanent '))),
      },
      {
        provider: 'generic',
        email: 'gene@example.org',
        bounce: () => signed.generic(fixture('generic-bounce.json')),
        complaint: () => signed.generic(fixture('generic-complaint.json')),
        tampered: () => signed.generic(fixture('generic-bounce.json'), 'not-the-webhook-secret'),
      },
    ])('$provider', ({ provider, email, bounce, complaint, tampered }) => {
      // SES's complaint sample is about another recipient of the same message.
      const complainer = provider === 'ses' ? 'richard@example.com' : email;

      beforeEach(async () => {
        await reader(email);
        await reader(complainer);
      });

      it("marks the address bounced on the provider's sample hard bounce", async () => {
        const res = await bounce();
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ received: 1, applied: 1 });
        expect(await status(email)).toBe('bounced');
      });

      it("unsubscribes and suppresses the address on the provider's sample complaint", async () => {
        const res = await complaint();
        expect(res.status).toBe(200);
        expect(await status(complainer)).toBe('complained');
        expect(await suppressed(complainer)).toBe(true);
      });

      it('answers a tampered or unsigned request 401 and changes nothing', async () => {
        const before = await eventCount();
        const res = await tampered();
        expect(res.status).toBe(401);
        expect((await res.json()) as { message: string }).toMatchObject({ statusCode: 401 });
        expect((await post(provider, fixture(UNSIGNED[provider]))).status).toBe(401);
        expect(await status(email)).toBe('confirmed');
        expect(await eventCount()).toBe(before);
      });
    });

    it('counts soft bounces: the third within 30 days marks the address bounced', async () => {
      await reader('soft@example.org');
      for (let i = 1; i <= 3; i++) {
        const body = JSON.stringify({ id: `soft-${i}`, event: 'bounce', email: 'soft@example.org', permanent: false });
        expect((await signed.generic(body)).status).toBe(200);
        expect(await status('soft@example.org')).toBe(i < 3 ? 'confirmed' : 'bounced');
      }
    });

    it('counts only the soft bounces of the last 30 days', async () => {
      const email = 'old-soft@example.org';
      const soft = (i: number) => signed.generic(JSON.stringify({ id: `old-soft-${i}`, event: 'bounce', email, permanent: false }));
      await reader(email);
      for (const i of [1, 2]) expect((await soft(i)).status).toBe(200);
      // Those two are 31 days old now: outside the window, they no longer count towards three.
      const aged = sqlTimestamp(database === 'postgres' ? 'postgres' : 'sqlite', new Date(Date.now() - 31 * 86_400_000));
      await queryApp(t.app, 'UPDATE mail_events SET created_at = ? WHERE email_hash = ?', [aged, suppressionHash(email)]);
      for (const i of [3, 4]) {
        expect((await soft(i)).status).toBe(200);
        expect(await status(email)).toBe('confirmed');
      }
      expect((await soft(5)).status).toBe(200);
      expect(await status(email)).toBe('bounced');
    });

    it("counts the providers' soft bounces too (Mailgun temporary failure, SendGrid blocked), and a retried event once", async () => {
      await reader('alice@example.com');
      await reader('example@test.com');
      const softOf = async (email: string) =>
        Number(
          (await queryApp<{ n: number }>(t.app, "SELECT count(*) AS n FROM mail_events WHERE kind = 'soft' AND email_hash = ?", [suppressionHash(email)]))[0].n,
        );
      const mailgunBefore = await softOf('alice@example.com');
      // The same Mailgun event delivered three times (a provider retry) is one soft bounce, not three.
      for (let i = 0; i < 3; i++) expect((await signed.mailgun(fixture('mailgun-failed-temporary.json'))).status).toBe(200);
      expect(await softOf('alice@example.com')).toBe(mailgunBefore + 1);
      expect(await status('alice@example.com')).toBe('confirmed');
      const sendgridBefore = await softOf('example@test.com');
      expect((await signed.sendgrid(fixture('sendgrid-blocked.json'))).status).toBe(200);
      expect(await softOf('example@test.com')).toBe(sendgridBefore + 1);
      expect(await status('example@test.com')).toBe('confirmed');
    });

    it('answers the SNS subscription confirmation handshake by visiting SubscribeURL', async () => {
      const res = await signed.ses(fixture('ses-subscription-confirmation.sns.json'));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ confirmedSubscription: true });
      expect(aws.requests.some((r) => r.method === 'GET' && r.path.startsWith('/?Action=ConfirmSubscription&Token=2336412f37'))).toBe(true);
    });

    it('refuses an SNS message whose certificate or subscribe URL is not an SNS address', async () => {
      const visits = aws.requests.length;
      const foreignCert = await signed.ses(fixture('ses-bounce.sns.json'), (m) => void (m.SigningCertURL = 'https://evil.example/cert.pem'));
      expect(foreignCert.status).toBe(401);
      const foreignSubscribe = await signed.ses(fixture('ses-subscription-confirmation.sns.json'), (m) => {
        m.SubscribeURL = 'https://evil.example/confirm';
        m.Signature = createSign('RSA-SHA1').update(snsStringToSign(m)).sign(snsKey, 'base64');
      });
      expect(foreignSubscribe.status).toBe(401);
      expect(aws.requests.slice(visits).filter((r) => !r.path.endsWith('.pem'))).toHaveLength(0);
    });

    it('says 404 for an unknown provider', async () => {
      expect((await post('mandrill', '{}')).status).toBe(404);
    });

    it("shows each provider's last event and last refused request on the admin page", async () => {
      const html = await (await fetch(`${t.url}/admin`, { headers: { cookie: await adminCookie(t.url) } })).text();
      const line = (p: string) =>
        new RegExp(
          `<li><code>/webhooks/mail/${p}</code>: ready; last event (\\S+) \\((\\d+) in all\\); last refused <span[^>]*>(\\S+)</span> ([^<]+)</li>`,
        ).exec(html);
      for (const p of Object.keys(UNSIGNED)) {
        const m = line(p);
        expect(m).not.toBeNull();
        expect(Number.isNaN(Date.parse(m![1]))).toBe(false);
        expect(Number(m![2])).toBeGreaterThanOrEqual(2);
        expect(Number.isNaN(Date.parse(m![3]))).toBe(false);
      }
      expect(line('postmark')![4]).toBe('postmark: wrong or missing basic auth credentials');
      expect(line('mailgun')![4]).toMatch(/^mailgun: /);
    });
  });
}
