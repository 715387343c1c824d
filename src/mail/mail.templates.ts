import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { createHandlebars } from '../common/handlebars.js';
import { fromRoot } from '../common/paths.js';
import { MjmlCache } from './mjml.cache.js';

export interface RenderedMail {
  html: string;
  text: string;
}

type Render = (data: object) => string;

/**
 * Email templates, compiled once at start and filled per message.
 *
 * `templates/NAME.mjml` is turned into HTML by MJML a single time; that HTML still holds
 * Handlebars expressions and is compiled by Handlebars, so a message costs one Handlebars call
 * (no MJML per recipient). `templates/NAME.txt.hbs` is the plain-text part; both are required.
 * Shared pieces: `templates/partials/*.mjml` (mj-include) and `templates/partials/*.txt.hbs`
 * (Handlebars partials, `{{> footer}}`).
 *
 * Rules for template authors: `{{value}}` (escaped) for anything a user or a paper provides,
 * never `{{{value}}}`; links from papers go through `{{safeUrl url}}`; block helpers between
 * MJML sections go inside `<mj-raw>{{#each papers}}</mj-raw>` … `<mj-raw>{{/each}}</mj-raw>`,
 * because MJML drops bare text there. Text parts are not HTML-escaped (they are text/plain).
 *
 * The digest adds `templates/digest.mjml` + `templates/digest.txt.hbs` and calls
 * `render('digest', data)`; every template in the folder is compiled at start.
 */
@Injectable()
export class MailTemplates implements OnModuleInit {
  private readonly hbs = createHandlebars();
  private readonly compiled = new Map<string, { html: Render; text: Render }>();
  private readonly cache: MjmlCache;

  constructor(private readonly dir: string = fromRoot('templates')) {
    this.cache = new MjmlCache(dir);
  }

  async onModuleInit(): Promise<void> {
    await this.load();
  }

  /** Compiles every template of the folder; a broken template stops the start with its name and line. */
  async load(): Promise<void> {
    const partials = join(this.dir, 'partials');
    if (existsSync(partials)) {
      for (const f of readdirSync(partials).filter((f) => f.endsWith('.txt.hbs'))) {
        this.hbs.registerPartial(basename(f, '.txt.hbs'), readFileSync(join(partials, f), 'utf8'));
      }
    }
    for (const file of readdirSync(this.dir).filter((f) => f.endsWith('.mjml'))) {
      const name = basename(file, '.mjml');
      const textFile = join(this.dir, `${name}.txt.hbs`);
      if (!existsSync(textFile)) throw new Error(`mail template ${name}: ${textFile} is missing (every email needs a plain-text part)`);
      const cached = this.cache.get(name);
      const html = cached ?? (await this.compileMjml(join(this.dir, file)));
      const htmlRender = this.hbs.compile(html, { strict: false });
      const textRender = this.hbs.compile(readFileSync(textFile, 'utf8'), { noEscape: true });
      if (cached === undefined) {
        // Handlebars compiles lazily on first use; doing it now surfaces syntax errors at start. A cached
        // template passed this check when it was cached, and the cache key covers every template file.
        htmlRender({});
        textRender({});
        this.cache.put(name, html);
      }
      this.compiled.set(name, { html: htmlRender, text: textRender });
    }
  }

  has(name: string): boolean {
    return this.compiled.has(name);
  }

  render(name: string, data: object): RenderedMail {
    const t = this.compiled.get(name);
    if (!t) throw new Error(`unknown mail template "${name}"; known: ${[...this.compiled.keys()].join(', ')}`);
    return { html: t.html(data), text: tidyText(t.text(data)) };
  }

  private async compileMjml(path: string): Promise<string> {
    // MJML (and what it pulls in) takes about a second to import: only a template not yet cached pays it.
    const { default: mjml2html } = await import('mjml');
    const result = await mjml2html(readFileSync(path, 'utf8'), {
      filePath: path,
      includePath: this.dir,
      ignoreIncludes: false,
      validationLevel: 'strict',
      keepComments: false,
      fonts: {},
    });
    if (result.errors.length) {
      throw new Error(`mail template ${path}: ${result.errors.map((e) => e.formattedMessage).join('; ')}`);
    }
    return result.html;
  }
}

/** Templates are easier to read with blank lines around blocks; the sent text keeps at most one. */
function tidyText(text: string): string {
  return (
    text
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}
