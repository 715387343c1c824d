import { Controller, Get, Header, Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { OPERATIONS, openApiDocument } from './openapi.document.js';

/** The JSON API described as OpenAPI 3.1, and a plain page listing it for people. */
@Controller('api')
export class OpenApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.document = openApiDocument(config.publicUrl);
  }

  @Get('openapi.json')
  openapi(): Record<string, unknown> {
    return this.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  docs(): string {
    return docsPage(this.document);
  }
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Server-rendered, no script: the CSP allows none inline, and the page must work offline. */
function docsPage(document: Record<string, unknown>): string {
  const rows = OPERATIONS.map((op) => {
    const path = (document.paths as Record<string, Record<string, unknown>>)[op.path][op.method];
    return `<section><h2>${op.method.toUpperCase()} ${escape(op.path)}</h2><p>${escape(op.summary)}${op.tag === 'admin' ? ' (admin: <code>Authorization: Bearer ADMIN_TOKEN</code>)' : ''}</p>
<details><summary>request and responses</summary><pre>${escape(JSON.stringify(path, null, 2))}</pre></details></section>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Paperboy API</title><link rel="stylesheet" href="/assets/paperboy.css"></head>
<body><main><h1>Paperboy API</h1><p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${rows.join('\n')}</main></body></html>`;
}
