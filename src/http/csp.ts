import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../config/app-config.js';

type Directives = Record<string, string[]>;

/**
 * The one place Content-Security-Policies are written. Two policies:
 * - the app's pages (public and admin): our own stylesheet and one small script (/assets), forms
 *   posting only to ourselves, frames only from ourselves (the outbox viewer, the admin preview), nothing inline;
 * - an email's HTML shown inside the app (outbox viewer, admin digest preview): untrusted content, so
 *   inline styles and images only: no script, no fetches, no forms, in a sandbox.
 */
function pageDirectives(https: boolean): Directives {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'form-action': ["'self'"],
    'frame-src': ["'self'"],
    'frame-ancestors': ["'self'"],
    'object-src': ["'none'"],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

const MAIL_HTML: Directives = {
  'default-src': ["'none'"],
  'style-src': ["'unsafe-inline'"],
  'img-src': ['https:', 'http:', 'data:'],
  'font-src': ['https:', 'data:'],
  'frame-ancestors': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  sandbox: ['allow-popups', 'allow-popups-to-escape-sandbox', 'allow-top-navigation-by-user-activation'],
};

function header(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

/** The Content-Security-Policy header of an email's HTML served by the app. */
export const MAIL_HTML_CSP = header(MAIL_HTML);

/**
 * Helmet with the pages' CSP. HTTPS-only headers are sent only when PUBLIC_URL is https, so a
 * plain-http install (local, LAN) keeps working.
 */
export function securityHeaders(config: AppConfig): RequestHandler {
  const https = config.publicUrl.startsWith('https://');
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: pageDirectives(https) },
    strictTransportSecurity: https ? { maxAge: 180 * 24 * 3600 } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}
