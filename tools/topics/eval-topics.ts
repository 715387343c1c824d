/**
 * Precision, recall and F1 of the topic tagger (default queries + the learned topic model) against
 * hand-labelled papers.
 *
 *   npm run eval:topics -- [--set holdout2|holdout|tune|hf-train|older-train|all] [--queries-only] [--errors]
 *
 * The model is fitted to the training sets only (tune, hf-train and older-train, `npm run train:topics`);
 * the holdouts were labelled before anything was fitted to them and measure how well the tagger
 * generalises (see test/fixtures/topic-eval/labelling/README.md): holdout2 draws from both eras
 * (the Hugging Face corpus and older papers), holdout from the corpus only. A set whose papers
 * come from more than one era is reported per era, then overall. `--queries-only` scores the
 * queries without the model; `--errors` lists the false positives and negatives of the chosen set(s).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fromRoot } from '../../src/common/paths.js';
import { byEra, countErrors, f1, microTotal, type Counts, type LabelledPaper } from './topic-model.trainer.js';
import { DEFAULT_TOPICS_PATH } from '../../src/topics/topic.model.js';
import { TopicTagger } from '../../src/topics/topic.tagger.js';

const SETS = ['holdout2', 'holdout', 'tune', 'hf-train', 'older-train'] as const;
type SetName = (typeof SETS)[number];

const TITLES: Record<SetName, string> = {
  holdout2: 'HOLDOUT2, both eras (never fitted or tuned on)',
  holdout: 'HOLDOUT, HF corpus (never fitted or tuned on)',
  tune: 'TUNE (queries and model fitted on this set)',
  'hf-train': 'HF-TRAIN (model fitted on this set)',
  'older-train': 'OLDER-TRAIN (model fitted on this set)',
};

function setPath(set: SetName): string[] {
  return ['test', 'fixtures', 'topic-eval', `${set}.json`];
}

function readJson<T>(...path: string[]): T {
  return JSON.parse(readFileSync(fromRoot(...path), 'utf8')) as T;
}

function parseArgs(argv: string[]): { sets: SetName[]; errors: boolean; queriesOnly: boolean } {
  const i = argv.indexOf('--set');
  const value = i >= 0 ? argv[i + 1] : 'all';
  if (value !== 'all' && !SETS.includes(value as SetName)) {
    console.error(`--set must be one of ${SETS.join(', ')} or all (got ${value ?? 'nothing'})`);
    process.exit(2);
  }
  const sets = value === 'all' ? SETS.filter((set) => existsSync(fromRoot(...setPath(set)))) : [value as SetName];
  return { sets, errors: argv.includes('--errors'), queriesOnly: argv.includes('--queries-only') };
}

function printErrors(tagger: TopicTagger, papers: LabelledPaper[]): void {
  for (const paper of papers) {
    const tags = tagger.tag(paper);
    const truth = new Set(paper.labels);
    const fp = tags.filter((t) => !truth.has(t.slug));
    const fn = [...truth].filter((s) => !tags.some((t) => t.slug === s));
    if (fp.length === 0 && fn.length === 0) continue;
    console.log(`\n${paper.id} ${paper.title.slice(0, 90)}`);
    for (const t of fp) console.log(`  FP ${t.slug} ${t.score} [${t.matched.join(', ')}]`);
    for (const s of fn) {
      const near = tagger.explain(paper, s);
      console.log(`  FN ${s}${near ? ` ${near.score} [${near.matched.join(', ')}]` : ''}`);
    }
  }
}

function pct(x: number): string {
  return (100 * x).toFixed(1).padStart(5);
}

function report(name: string, papers: LabelledPaper[], counts: Map<string, Counts>): void {
  const rows: { slug: string; c: Counts; f: number }[] = [];
  console.log(`\n== ${name} set: ${papers.length} papers, ${papers.reduce((n, p) => n + p.labels.length, 0)} labels ==`);
  console.log(`${'topic'.padEnd(26)} support   P      R      F1    (tp fp fn)`);
  for (const [slug, c] of counts) {
    const m = f1(c);
    rows.push({ slug, c, f: m.f });
    const support = String(c.tp + c.fn).padStart(4);
    console.log(`${slug.padEnd(26)} ${support}   ${pct(m.p)}  ${pct(m.r)}  ${pct(m.f)}  (${c.tp} ${c.fp} ${c.fn})`);
  }
  const total = microTotal(counts.values());
  const micro = f1(total);
  console.log(
    `${'MICRO'.padEnd(26)} ${String(total.tp + total.fn).padStart(4)}   ${pct(micro.p)}  ${pct(micro.r)}  ${pct(micro.f)}  (${total.tp} ${total.fp} ${total.fn})`,
  );
  // With one or two labels a topic's F1 is all-or-nothing, so also name the worst with real support.
  const worst = (minSupport: number) =>
    rows
      .filter((r) => r.c.tp + r.c.fp + r.c.fn > 0 && r.c.tp + r.c.fn >= minSupport)
      .sort((a, b) => a.f - b.f)
      .slice(0, 3)
      .map((w) => `${w.slug} (F1 ${pct(w.f).trim()}, support ${w.c.tp + w.c.fn})`)
      .join(', ');
  console.log(`worst topics: ${worst(0)}`);
  console.log(`worst topics with support >= ${MIN_SUPPORT}: ${worst(MIN_SUPPORT)}`);
}

const MIN_SUPPORT = 5;

function main(): void {
  const { sets, errors, queriesOnly } = parseArgs(process.argv.slice(2));
  const topics = readJson<{ slug: string; query: string }[]>(...DEFAULT_TOPICS_PATH);
  const tagger = queriesOnly ? new TopicTagger(topics, { model: null }) : new TopicTagger(topics);
  const slugs = topics.map((t) => t.slug);
  console.log(queriesOnly ? 'tagger: the default queries alone' : 'tagger: the default queries + the learned topic model');
  for (const set of sets) {
    const path = setPath(set);
    if (!existsSync(fromRoot(...path))) {
      console.error(`${path.join('/')} does not exist (see test/fixtures/topic-eval/labelling/README.md for how it is made)`);
      process.exit(2);
    }
    const papers = readJson<LabelledPaper[]>(...path);
    if (errors) printErrors(tagger, papers);
    const eras = byEra(papers);
    if (eras.size > 1) for (const [era, group] of eras) report(`${TITLES[set]}, era ${era}`, group, countErrors(tagger, group, slugs));
    report(eras.size > 1 ? `${TITLES[set]}, all eras` : TITLES[set], papers, countErrors(tagger, papers, slugs));
  }
}

main();
