import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { DigestService } from '../../src/digests/digest.service.js';
import { IngestService } from '../../src/papers/ingest.service.js';
import { startApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { addConfirmed, clearPapers } from '../support/digest.js';
import { describeTrustDigests } from '../flows/trust-digest.flow.js';

describeTrustDigests(startApp);

type Item = { paper: Record<string, unknown> & { title: string } };

/** `paperboy preview --json` as its own process, on the wall clock: a sent paper that gained a code link is `section: "updated"`. */
describe('preview --json marks an update', () => {
  let t: TestApp;
  const [asi, nav] = (JSON.parse(readFileSync(fromRoot('test/fixtures/trust/hf-api-2026-08-19.json'), 'utf8')) as Item[]).filter((_, i) => i === 0 || i === 2);
  const ingest = async (name: string, items: Item[]) => {
    writeFileSync(join(t.dir, name), JSON.stringify(items));
    await t.app.get(IngestService).ingestFile(join(t.dir, name));
  };

  beforeAll(async () => {
    t = await startApp();
    await clearPapers(t.app);
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists the paper in the "updated" section with what changed, once the next digest is due', async () => {
    await addConfirmed(t.app, 'cli-updates@example.org', { topics: [], keywords: 'title:superintelligence, title:navigation' });
    await ingest('a.json', [{ paper: { ...asi.paper, githubRepo: undefined, projectPage: undefined } }]);
    expect(await t.app.get(DigestService).run({ email: 'cli-updates@example.org' }, 'cli')).toMatchObject({ sent: 1 });
    await ingest('b.json', [asi, nav]);
    const cli = await runCli(['preview', '--email', 'cli-updates@example.org', '--json'], {
      DATABASE_URL: t.databaseUrl,
      VAR_DIR: join(t.dir, 'var'),
      LOG_LEVEL: 'silent',
    });
    expect(cli.code).toBe(0);
    const json = JSON.parse(cli.stdout) as {
      items: { title: string; section: string; changes?: string[] }[];
      papers: { title: string; section: { key: string } }[];
    };
    const title = (x: Item) => x.paper.title.replace(/\s+/g, ' ');
    expect(json.items.map((i) => [i.title, i.section])).toEqual([
      [title(nav), 'new'],
      [title(asi), 'updated'],
    ]);
    expect(json.items[1].changes).toEqual(['code released', 'project page']);
    expect(json.papers.map((p) => [p.title, p.section.key === 'updated'])).toEqual([
      [title(nav), false],
      [title(asi), true],
    ]);
  });
});
