// The HTTP kit shared by the public pages (src/web), the admin page and API (src/admin) and every other
// feature with a route: the only file other features import from src/http (.dependency-cruiser.cjs).
export { HttpKitModule } from './http.module.js';
export { PageRenderer } from './page.renderer.js';
export { PageErrorFilter } from './page-error.filter.js';
export { DomainErrorFilter } from './domain-error.filter.js';
export { CsrfGuard, CsrfTokens } from './csrf.guard.js';
export { MAIL_HTML_CSP, securityHeaders } from './csp.js';
export { hmac, sameSecret, sameText, sha256, SIGNATURE_HEADER, Signer, signBody, verifyBody } from '../common/signing.js';
export { first, list, type FormBody } from './form.parsing.js';
export { intParam } from './query.params.js';
