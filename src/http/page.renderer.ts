import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
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
 * partials from `templates/web/partials/`. Compiled once at start. Every value is inserted with
 * `{{…}}` (escaped); the layout's `{{{body}}}` is the only raw insertion, and it is the output of
 * one of these (escaping) templates.
 */
@Injectable()
export class PageRenderer {
  private readonly hbs = createHandlebars();
  private readonly pages = new Map<string, Render>();
  private readonly layout: Render;
  private readonly site: { name: string; host: string };

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const dir = fromRoot('templates/web');
    const partials = join(dir, 'partials');
    if (existsSync(partials)) {
      for (const f of readdirSync(partials).filter((f) => f.endsWith('.hbs'))) {
        this.hbs.registerPartial(basename(f, '.hbs'), readFileSync(join(partials, f), 'utf8'));
      }
    }
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.hbs') && f !== 'layout.hbs')) {
      this.pages.set(basename(f, '.hbs'), this.compile(join(dir, f)));
    }
    this.layout = this.compile(join(dir, 'layout.hbs'));
    this.site = { name: 'Paperboy', host: new URL(config.publicUrl).host };
  }

  render(page: string, data: PageData): string {
    const render = this.pages.get(page);
    if (!render) throw new Error(`unknown page "${page}"`);
    const context = { ...data, site: this.site };
    return this.layout({ ...context, body: render(context) });
  }

  /** Sends a page; pages are personal (tokens, CSRF fields), so nothing is cached. */
  send(res: Response, status: number, page: string, data: PageData): void {
    res.status(status).type('html').setHeader('Cache-Control', 'no-store');
    res.send(this.render(page, data));
  }

  private compile(path: string): Render {
    const render = this.hbs.compile(readFileSync(path, 'utf8'), { strict: false });
    render({}); // compile now: a template error stops the start, not a visitor's request
    return render;
  }
}
