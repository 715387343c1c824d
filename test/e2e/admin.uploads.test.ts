import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fromRoot } from '../../src/common/paths.js';
import { startApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { arxivLine } from '../support/arxiv-dump.js';

/** Admin uploads: streamed to a file under a size cap, and long work answered as a job with progress. */
let t: TestApp;
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

beforeAll(async () => {
  t = await startApp({ ADMIN_UPLOAD_MAX_MB: '1' });
});

afterAll(async () => {
  await t?.close();
});

const uploads = () => readdirSync(join(t.config.varDir, 'uploads'));

async function jobDone(id: string): Promise<Record<string, any>> {
  for (;;) {
    const view = (await (await fetch(`${t.url}/api/admin/jobs/${id}`, { headers: auth })).json()) as Record<string, any>;
    if (view.state !== 'running') return view;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('admin uploads', () => {
  it('answers 413 past ADMIN_UPLOAD_MAX_MB, whether the length is declared or not, and keeps nothing of it', async () => {
    const big = Array.from({ length: 4000 }, (_, i) => arxivLine(i)).join('\n'); // ~1.7 MB
    const declared = await fetch(`${t.url}/api/admin/ingest`, { method: 'POST', headers: auth, body: big });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { message: string }).message).toMatch(/larger than 1 MB \(ADMIN_UPLOAD_MAX_MB\)/);
    const streamed = await fetch(`${t.url}/api/admin/subscribers/import`, {
      method: 'POST',
      headers: auth,
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(uploads()).toEqual([]);
  });

  it('runs an ingest as a job with ?async=true: 202, then its progress and report at /api/admin/jobs/:id', async () => {
    const body = readFileSync(fromRoot('test/fixtures/arxiv_api_atom_2025-10-17_cs.RO.xml'));
    const res = await fetch(`${t.url}/api/admin/ingest?async=true&name=ro.xml`, { method: 'POST', headers: auth, body });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { id: string; kind: string };
    expect(accepted).toMatchObject({ kind: 'ingest', label: 'ro.xml' });
    const view = await jobDone(accepted.id);
    expect(view).toMatchObject({ state: 'done', result: { file: 'ro.xml', format: 'arxiv-atom' } });
    expect(view.result.read).toBeGreaterThan(0);
    const list = (await (await fetch(`${t.url}/api/admin/jobs`, { headers: auth })).json()) as { jobs: { id: string }[] };
    expect(list.jobs.map((j) => j.id)).toContain(accepted.id);
    expect(uploads()).toEqual([]);
  });

  it('reports a rejected dump as a failed job with the reason', async () => {
    const res = await fetch(`${t.url}/api/admin/ingest?async=true&format=hf-api&name=bad.json`, { method: 'POST', headers: auth, body: '[{"paper": ' });
    expect(res.status).toBe(202);
    const view = await jobDone(((await res.json()) as { id: string }).id);
    expect(view).toMatchObject({ state: 'failed', error: { status: 400 } });
    expect(view.error.message).toMatch(/bad\.json/);
  });

  it('answers 404 for an unknown job', async () => {
    expect((await fetch(`${t.url}/api/admin/jobs/nope`, { headers: auth })).status).toBe(404);
  });
});
