import Handlebars from 'handlebars';

/**
 * The one Handlebars setup, shared by the page renderer (src/http) and the mail templates (src/mail):
 * an isolated instance with the helpers every template may use. Values go in with `{{…}}` (escaped).
 */
export function createHandlebars(): typeof Handlebars {
  const hbs = Handlebars.create();
  /** Only http(s) links survive; anything else (javascript:, data:, mailto:) becomes "#". */
  hbs.registerHelper('safeUrl', (url: unknown) => (typeof url === 'string' && /^https?:\/\//i.test(url.trim()) ? url.trim() : '#'));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : ''));
  hbs.registerHelper('pad2', (n: unknown) => String(n).padStart(2, '0'));
  hbs.registerHelper('plural', (n: unknown, one: unknown, many: unknown) => (n === 1 ? one : many));
  return hbs;
}

/** What `{{value}}` makes of a value in a template: its HTML-escaped text. */
export const escapeHtml = (value: string): string => Handlebars.Utils.escapeExpression(value);
