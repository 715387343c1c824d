/**
 * Precision, recall and F1 of the default topic queries against hand-labelled papers.
 *
 *   npm run eval:topics -- [--set tune|holdout|all] [--errors]
 *
 * The fixtures were labelled by reading each paper, before any query was written. Queries were
 * tuned looking only at the tune set; the holdout set measures how well they generalise.
 * `--errors` lists the false positives and negatives of the chosen set(s).
 */
import { readFileSync } from 'node:fs';
import { fromRoot } from '../src/common/paths.js';
import { TopicTagger, type TopicTag } from '../src/topics/topic.tagger.js';

interface LabelledPaper {
  id: string;
  title: string;
  abstract: string;
  aiKeywords: string[];
  labels: string[];
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

const SETS = ['holdout', 'tune'] as const;
type SetName = (typeof SETS)[number];

function readJson<T>(...path: string[]): T {
  return JSON.parse(readFileSync(fromRoot(...path), 'utf8')) as T;
}

function parseArgs(argv: string[]): { sets: SetName[]; errors: boolean } {
  const i = argv.indexOf('--set');
  const value = i >= 0 ? argv[i + 1] : 'all';
  if (value !== 'all' && !SETS.includes(value as SetName)) {
    console.error(`--set must be tune, holdout or all (got ${value ?? 'nothing'})`);
    process.exit(2);
  }
  return { sets: value === 'all' ? [...SETS] : [value as SetName], errors: argv.includes('--errors') };
}

function f1(c: Counts): { p: number; r: number; f: number } {
  const p = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const r = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  return { p, r, f: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

function evaluate(tagger: TopicTagger, papers: LabelledPaper[], slugs: string[], showErrors: boolean): Map<string, Counts> {
  const counts = new Map(slugs.map((s) => [s, { tp: 0, fp: 0, fn: 0 }]));
  for (const paper of papers) {
    const tags = tagger.tag(paper);
    const predicted = new Set(tags.map((t) => t.slug));
    const truth = new Set(paper.labels);
    for (const slug of slugs) {
      const c = counts.get(slug) as Counts;
      if (predicted.has(slug) && truth.has(slug)) c.tp++;
      else if (predicted.has(slug)) c.fp++;
      else if (truth.has(slug)) c.fn++;
    }
    if (showErrors) printErrors(paper, tags, truth, tagger);
  }
  return counts;
}

function printErrors(paper: LabelledPaper, tags: TopicTag[], truth: Set<string>, tagger: TopicTagger): void {
  const fp = tags.filter((t) => !truth.has(t.slug));
  const fn = [...truth].filter((s) => !tags.some((t) => t.slug === s));
  if (fp.length === 0 && fn.length === 0) return;
  console.log(`\n${paper.id} ${paper.title.slice(0, 90)}`);
  for (const t of fp) console.log(`  FP ${t.slug} ${t.score} [${t.matched.join(', ')}]`);
  for (const s of fn) {
    const near = tagger.explain(paper, s);
    console.log(`  FN ${s}${near ? ` ${near.score} [${near.matched.join(', ')}]` : ''}`);
  }
}

function pct(x: number): string {
  return (100 * x).toFixed(1).padStart(5);
}

function report(name: string, papers: LabelledPaper[], counts: Map<string, Counts>): void {
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  const rows: { slug: string; c: Counts; f: number }[] = [];
  console.log(`\n== ${name} set: ${papers.length} papers, ${papers.reduce((n, p) => n + p.labels.length, 0)} labels ==`);
  console.log(`${'topic'.padEnd(26)} support   P      R      F1    (tp fp fn)`);
  for (const [slug, c] of counts) {
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
    const m = f1(c);
    rows.push({ slug, c, f: m.f });
    const support = String(c.tp + c.fn).padStart(4);
    console.log(`${slug.padEnd(26)} ${support}   ${pct(m.p)}  ${pct(m.r)}  ${pct(m.f)}  (${c.tp} ${c.fp} ${c.fn})`);
  }
  const micro = f1(total);
  console.log(`${'MICRO'.padEnd(26)} ${String(total.tp + total.fn).padStart(4)}   ${pct(micro.p)}  ${pct(micro.r)}  ${pct(micro.f)}  (${total.tp} ${total.fp} ${total.fn})`);
  // With one or two labels a topic's F1 is all-or-nothing, so also name the worst with real support.
  const worst = (minSupport: number) => rows
    .filter((r) => r.c.tp + r.c.fp + r.c.fn > 0 && r.c.tp + r.c.fn >= minSupport)
    .sort((a, b) => a.f - b.f).slice(0, 3)
    .map((w) => `${w.slug} (F1 ${pct(w.f).trim()}, support ${w.c.tp + w.c.fn})`).join(', ');
  console.log(`worst topics: ${worst(0)}`);
  console.log(`worst topics with support >= ${MIN_SUPPORT}: ${worst(MIN_SUPPORT)}`);
}

const MIN_SUPPORT = 5;

function main(): void {
  const { sets, errors } = parseArgs(process.argv.slice(2));
  const topics = readJson<{ slug: string; query: string }[]>('src', 'topics', 'default-topics.json');
  const tagger = new TopicTagger(topics);
  const slugs = topics.map((t) => t.slug);
  for (const set of sets) {
    const papers = readJson<LabelledPaper[]>('test', 'fixtures', 'topic-eval', `${set}.json`);
    const counts = evaluate(tagger, papers, slugs, errors);
    report(set === 'holdout' ? 'HOLDOUT (not tuned on)' : 'TUNE (queries tuned on this set)', papers, counts);
  }
}

main();
