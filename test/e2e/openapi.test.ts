import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OPERATIONS } from '../../src/openapi/openapi.document.js';
import { adminHeaders, startApp, type TestApp } from '../support/app.js';
import { addConfirmed, ingestDay } from '../support/digest.js';

let t: TestApp;

beforeAll(async () => {
  t = await startApp();
  await ingestDay(t.app, '2026-07-16');
  await addConfirmed(t.app, 'reader@example.org', { topics: ['llm'] });
});
afterAll(() => t.close());

/** Every route the running app registered, read from Express's router (not a list kept by hand). */
function registeredRoutes(): { method: string; path: string }[] {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } };
  return express.router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((method) => ({ method, path: layer.route!.path }))
      : [],
  );
}

/** The JSON API is everything under /api plus /health; /api/docs is the HTML page describing it. */
const isJsonRoute = (path: string) => (path.startsWith('/api/') || path === '/health') && path !== '/api/docs';
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

describe('OpenAPI document', () => {
  it('lists every JSON route the app registers, public and admin, and no route it does not', async () => {
    const doc = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const registered = registeredRoutes().filter((r) => isJsonRoute(r.path));
    expect(registered.length).toBeGreaterThan(15);
    expect(registered.some((r) => r.path.startsWith('/api/admin/'))).toBe(true);
    const missing = registered.filter((r) => !doc.paths[openApiPath(r.path)]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    const known = new Set(registered.map((r) => `${r.method} ${openApiPath(r.path)}`));
    expect(documented.filter((d) => !known.has(d))).toEqual([]);
  });

  it('gives every operation a response schema, and every JSON body route a request schema', async () => {
    const doc = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, { content: Record<string, { schema: unknown }> }> }>>;
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const ok = Object.entries(op.responses).find(([status]) => status.startsWith('2'));
        expect({ route: `${method} ${path}`, schema: Object.values(ok?.[1].content ?? {})[0]?.schema !== undefined }).toEqual({
          route: `${method} ${path}`,
          schema: true,
        });
        if (method === 'post' && !path.endsWith('/retry'))
          expect({ route: `${method} ${path}`, body: op.requestBody !== undefined }).toEqual({ route: `${method} ${path}`, body: true });
      }
    }
    const send = doc.paths['/api/admin/send'].post.requestBody as {
      content: Record<string, { schema: { properties: Record<string, unknown>; additionalProperties: boolean } }>;
    };
    expect(Object.keys(send.content['application/json'].schema.properties).sort()).toEqual(['all', 'dryRun', 'email', 'force', 'topic']);
    expect(send.content['application/json'].schema.additionalProperties).toBe(false);
  });

  it("matches what the routes answer: each GET route's body parses with its documented schema", async () => {
    const runs = await fetch(`${t.url}/api/admin/send`, { method: 'POST', headers: adminHeaders });
    expect(runs.status).toBe(200);
    const urls: Record<string, string> = {
      '/health': '/health',
      '/api/papers': '/api/papers?limit=5',
      '/api/topics': '/api/topics',
      '/api/admin/stats': '/api/admin/stats',
      '/api/admin/runs': '/api/admin/runs',
      '/api/admin/runs/{id}': `/api/admin/runs/${((await runs.json()) as { runId: number }).runId}`,
      '/api/admin/subscribers': '/api/admin/subscribers',
      '/api/admin/preview': '/api/admin/preview?email=reader@example.org&format=json',
    };
    for (const [path, url] of Object.entries(urls)) {
      const op = OPERATIONS.find((o) => o.method === 'get' && o.path === path)!;
      const res = await fetch(`${t.url}${url}`, { headers: adminHeaders });
      const schema = op.responses[res.status]?.schema;
      expect({ path, status: res.status, documented: schema !== undefined }).toEqual({ path, status: res.status, documented: true });
      const parsed = schema!.safeParse(await res.json());
      expect({ path, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ path, issues: [] });
    }
  });

  it('serves a docs page naming every operation, with no script', async () => {
    const res = await fetch(`${t.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const op of OPERATIONS) expect(html).toContain(`${op.method.toUpperCase()} ${op.path}`);
    expect(html).not.toMatch(/<script/i);
  });
});
