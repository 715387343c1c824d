import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Response } from 'express';
import { createHandlebars } from '../common/handlebars.js';
import { fromRoot } from '../common/paths.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

export interface PageData {
  title: string;
  [key: string]: unknown;
}

type Render = (data: object) => string;

/**
 * Server-rendered pages: `templates/web/<page>.hbs` inside `templates/web/layout.hbs`, with
 * partials from `templates/web/partials/`. Compiled once (at a server's start). Every value is inserted with
 * `{{…}}` (escaped); the layout's `{{{body}}}` is the only raw insertion, and it is the output of
 * one of these (escaping) templates.
 */
@Injectable()
export class PageRenderer implements OnApplicationBootstrap {
  private readonly hbs = createHandlebars();
  private readonly dir = fromRoot('templates/web');
  /** Page name → its file; compiled on first use, or all at once when an HTTP server starts. */
  private readonly files = new Map<string, string>();
  private readonly pages = new Map<string, Render>();
  private readonly site: { name: string; host: string };

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() private readonly http?: HttpAdapterHost,
  ) {
    const partials = join(this.dir, 'partials');
    if (existsSync(partials)) {
      for (const f of readdirSync(partials).filter((f) => f.endsWith('.hbs'))) {
        this.hbs.registerPartial(basename(f, '.hbs'), readFileSync(join(partials, f), 'utf8'));
      }
    }
    for (const f of readdirSync(this.dir).filter((f) => f.endsWith('.hbs'))) this.files.set(basename(f, '.hbs'), join(this.dir, f));
    this.site = { name: 'Paperboy', host: new URL(config.publicUrl).host };
  }

  /**
   * A server compiles every page now: a template error stops the start, not a visitor's request.
   * A CLI command (no HTTP server) renders no page, or one: it does not pay for all of them.
   */
  onApplicationBootstrap(): void {
    if (this.http?.httpAdapter) for (const name of this.files.keys()) this.page(name);
  }

  render(page: string, data: PageData): string {
    if (page === 'layout' || !this.files.has(page)) throw new Error(`unknown page "${page}"`);
    const context = { ...data, site: this.site };
    return this.page('layout')({ ...context, body: this.page(page)(context) });
  }

  /** Sends a page; pages are personal (tokens, CSRF fields), so nothing is cached. */
  send(res: Response, status: number, page: string, data: PageData): void {
    res.status(status).type('html').setHeader('Cache-Control', 'no-store');
    res.send(this.render(page, data));
  }

  private page(name: string): Render {
    let render = this.pages.get(name);
    if (!render) {
      render = this.hbs.compile(readFileSync(this.files.get(name)!, 'utf8'), { strict: false });
      render({}); // compiles it (Handlebars compiles on first call): a template error shows here
      this.pages.set(name, render);
    }
    return render;
  }
}
