// `npm run bench -- NAME`: runs one benchmark (or all). Figures are ratios against a baseline
// measured in the same run, because these machines are shared and noisy. `--quick` shrinks inputs.
// A registry: each scenario is one file exporting run().
const BENCHES: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  paths: () => import('./paths.bench.js'),
  cli: () => import('./cli.bench.js'),
  plan: () => import('./plan.bench.js'),
  preview: () => import('./preview.bench.js'),
  ingest: () => import('./ingest.bench.js'),
  digest: () => import('./digest.bench.js'),
  scale: () => import('./scale.bench.js'),
  feedback: () => import('./feedback.bench.js'),
  'feedback-speed': () => import('./feedback-speed.bench.js'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
/** Rows of the paths table, runnable alone: a full run already has them in `paths`. */
const PARTS = new Set(['cli', 'plan', 'preview']);
const names = wanted.length ? wanted : Object.keys(BENCHES).filter((n) => !PARTS.has(n));
for (const name of names) {
  const load = BENCHES[name];
  if (!load) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`\n== ${name} ==\n`);
  await (await load()).run();
}
