import { Module } from '@nestjs/common';
import { CsrfGuard, CsrfTokens } from './csrf.guard.js';
import { PageErrorFilter } from './page-error.filter.js';
import { PageRenderer } from './page.renderer.js';

/** The HTML kit every feature with pages imports: the renderer, its error pages and the CSRF check. */
@Module({
  providers: [PageRenderer, PageErrorFilter, CsrfTokens, CsrfGuard],
  exports: [PageRenderer, PageErrorFilter, CsrfTokens, CsrfGuard],
})
export class HttpKitModule {}
