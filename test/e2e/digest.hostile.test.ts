import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DigestService } from '../../src/digests/digest.service.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import { startApp, type TestApp } from '../support/app.js';
import { addConfirmed, clearPapers } from '../support/digest.js';
import { SmtpSink } from '../support/smtp-sink.js';

const TITLE = 'Hostile agents <img src=x onerror=alert(1)> {{constructor}}\r\nBcc: victim@example.org';
const ABSTRACT = 'An LLM agent paper whose abstract says <img src=x onerror=alert(1)> and {{constructor}} and {{#each x}}.';

let t: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await new SmtpSink().start();
  t = await startApp({ MAIL_TRANSPORT: sink.url });
  await clearPapers(t.app);
  const dump = join(t.dir, 'hostile.json');
  const paper = {
    id: '2607.99999',
    title: TITLE,
    summary: ABSTRACT,
    authors: [{ name: '<b>Eve</b>' }],
    upvotes: 3,
    submittedOnDailyAt: '2026-07-16T00:00:00.000Z',
    githubRepo: 'javascript:alert(1)',
  };
  writeFileSync(dump, JSON.stringify([{ paper, title: TITLE }]));
  await t.app.get(IngestService).ingestFile(dump);
  await addConfirmed(t.app, 'reader@example.org', { topics: [], keywords: 'hostile' });
});

afterAll(async () => {
  await t.close();
  await sink.stop();
});

describe('hostile paper content', () => {
  it('arrives as text in both parts, with single-line headers', async () => {
    expect(await t.app.get(DigestService).run({ email: 'reader@example.org' }, 'cli')).toMatchObject({ sent: 1 });
    await sink.waitFor(1);
    const { parsed, raw } = sink.messages[0];
    const html = parsed.html as string;
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).not.toMatch(/<b>Eve/);
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('{{constructor}}');
    expect(html).not.toContain('javascript:');
    expect(parsed.text).toContain('Hostile agents <img src=x onerror=alert(1)> {{constructor}} Bcc: victim@example.org');
    expect(parsed.text).toContain('{{#each x}}');
    expect(parsed.subject).toBe('New paper: Hostile agents <img src=x onerror=alert(1)>…'); // one line, shortened to 70 characters
    expect(parsed.bcc).toBeUndefined();
    expect(sink.messages[0].envelopeTo).toEqual(['reader@example.org']);
    const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(headerBlock).not.toMatch(/^Bcc:/im);
  });
});
