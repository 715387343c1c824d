// Import rules for src/ (README, "Development"). `npm run lint` runs them with `depcruise src migrations`.
//
// A feature is a folder under src/ (papers, topics, subscribers, digests, mail, admin, web, outbox, metrics, health, ...).
// Its public surface, the only files another feature may import:
//   *.module.ts, *.service.ts, *.repository.ts, *.entity.ts, *.types.ts, *.errors.ts, *.input.ts,
//   *.guard.ts and *.filter.ts (Nest building blocks meant to be applied elsewhere),
//   and the few files listed in EXTRA_PUBLIC below, each with the reason it is shared.
// Everything else in a feature folder is its internals.
// src/http is the HTTP kit (renderer, error filters, CSRF, CSP, form and query helpers; signing re-exported from common): every feature
// imports it through src/http/index.ts only, and it imports no feature (only common and config).
// src/common, src/config and src/database are the shared kernel: anyone may import them, they import no feature
// (database/entities.ts, the list TypeORM loads, excepted). src/cli, app.module.ts and main.http.ts are
// composition roots: they wire features together and may import any of their files; no feature imports them.

const FEATURE = '^src/(?!common/|config/|database/|cli/)([^/]+)/';
const PUBLIC_KINDS = '[.](module|service|repository|entity|types|errors|input|guard|filter)[.]ts$';
const EXTRA_PUBLIC = [
  'src/topics/query[.]parser[.]ts', // the query language: subscriptions validate a keyword query when it is saved
  'src/topics/matcher[.]ts', // digests match keyword queries against papers the way tagging does
  'src/topics/ranking[.]ts', // digests rank with the same formula as the topic pages
  'src/subscribers/email-address[.]ts', // one normalisation of addresses everywhere
  'src/subscribers/subscribe[.]limiter[.]ts', // its RateLimitedError is mapped by the page error filter
  'src/papers/dump-source[.]ts', // the admin ingest route feeds a request body to the same ingest as the CLI
  'src/http/index[.]ts', // the HTTP kit's one entry (see above)
  'src/mail/mail[.]templates[.]ts', // every mail (digests, account mails) is compiled and filled by it
  'src/mail/mail[.]outbox[.]ts', // the file outbox the /outbox viewer browses
  'src/mail/mail[.]policy[.]ts', // the one delivery policy (retry schedule, classification, bounce) of digests, account mails and channels
  'src/topics/threaded[.]tagger[.]ts', // ingest tags each batch on the tagger's worker thread
  'src/topics/text[.]tokenizer[.]ts', // reasons in plain words stem and split text exactly as tagging does
  'src/topics/query[.]compiler[.]ts', // reasons find which words of a paper a stored term matched
  'src/digests/digest[.]selection[.]ts', // channels and feeds select and explain papers as digests do
  'src/digests/candidate[.]loader[.]ts', // channels and feeds read the same candidate pool
  'src/digests/digest-period[.]ts', // one notion of a reader's period and window for channels and the status page
  'src/digests/delivery[.]claims[.]ts', // the claim protocol every ledger (digests, channels, events) shares
  'src/digests/reason[.]words[.]ts', // a reader's model drops the same filler words that reasons leave out
  'src/feedback/reader-model[.]ts', // the digests rank with the reader model the feedback module builds and stores
  'src/health/source-freshness[.]ts', // runs, the admin page and stats report the same source freshness
  'src/events/http-post[.]ts', // one outgoing HTTP client with timeouts and Retry-After for channels and events
  'src/subscribers/preferences[.]digest-status[.]ts', // "why no email" on the preferences page and in the admin run detail
  'src/admin/admin-audit[.]interceptor[.]ts', // admin routes of other features (channels) are audited the same way
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: break it by moving what both sides need into a third file (types, a token).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'data-source-without-nest-typeorm',
      severity: 'error',
      comment:
        'Inject the DataSource with src/database/inject-data-source.ts: @nestjs/typeorm loads NestJS core into every CLI command that builds the service (src/cli/service-graph.ts). Only app.module.ts wires TypeOrmModule.',
      from: { path: '^src/', pathNot: '^src/app[.]module[.]ts$' },
      to: { path: 'node_modules/@nestjs/typeorm/' },
    },
    {
      name: 'feature-internals',
      severity: 'error',
      comment: 'A feature imports another feature only through its public surface (see the top of .dependency-cruiser.cjs).',
      from: { path: FEATURE },
      to: {
        path: '^src/([^/]+)/',
        pathNot: ['^src/$1/', '^src/(common|config|database)/', PUBLIC_KINDS, ...EXTRA_PUBLIC],
      },
    },
    {
      name: 'http-kit-through-index',
      severity: 'error',
      comment: 'Outside src/http, the HTTP kit is imported through src/http/index.ts only.',
      from: { path: '^src/', pathNot: '^src/http/' },
      to: { path: '^src/http/', pathNot: '^src/http/index[.]ts$' },
    },
    {
      name: 'http-kit-imports-no-feature',
      severity: 'error',
      comment: 'The HTTP kit is shared by every feature with a route, so it depends on none (only common and config).',
      from: { path: '^src/http/' },
      to: { path: '^src/', pathNot: '^src/(http|common|config)/' },
    },
    {
      name: 'metrics-imports-no-feature',
      severity: 'error',
      comment: 'Features add their metrics to the registry of src/metrics; the metrics module knows none of them.',
      from: { path: '^src/metrics/' },
      to: { path: '^src/', pathNot: '^src/(metrics|http|common|config)/' },
    },
    {
      name: 'kernel-imports-no-feature',
      severity: 'error',
      comment: 'common, config and database are shared by every feature, so they depend on none.',
      from: { path: '^src/(common|config)/|^src/database/(?!entities[.]ts$)' },
      to: { path: '^src/', pathNot: '^src/(common|config|database)/' },
    },
    {
      name: 'no-composition-root-imports',
      severity: 'error',
      comment: 'Features are wired by the CLI, app.module.ts and main.http.ts; they never import them.',
      from: { path: FEATURE },
      to: { path: '^src/(cli/|app[.]module[.]ts$|main[.]http[.]ts$)' },
    },
    {
      name: 'mail-boundary',
      severity: 'error',
      comment: 'src/mail is the only place that talks to nodemailer and MJML.',
      from: { path: '^src/', pathNot: '^src/mail/' },
      to: { path: 'node_modules/(nodemailer|mjml)/' },
    },
    {
      name: 'src-stands-alone',
      severity: 'error',
      comment: 'The shipped code never imports tests, benchmarks or tools.',
      from: { path: '^(src|migrations)/' },
      to: { path: '^(test|bench|tools)/' },
    },
    {
      name: 'no-dev-deps-at-runtime',
      severity: 'error',
      comment: 'What src/ imports must be a runtime dependency (package.json "dependencies").',
      from: { path: '^(src|migrations)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
