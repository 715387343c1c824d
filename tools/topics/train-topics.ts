/**
 * Fits the topic model (src/topics/topic.model.ts) to the training sets and writes it where the
 * tagger reads it (data/topic-model.json).
 *
 *   npm run train:topics -- [--cv] [--out FILE]
 *
 * The training sets, all in test/fixtures/topic-eval/: tune.json and hf-train.json (papers of the
 * Hugging Face corpus, era hf) and older-train.json (2015–2022 papers, era older). `--cv` first prints 5-fold
 * cross-validated precision, recall and F1 on them, per era and overall, for the queries alone and
 * for queries + model: the figures the training options and queries were chosen by.
 * No holdout (holdout.json, holdout2.json) and no page capture (samples/) is read here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fromRoot } from '../../src/common/paths.js';
import { DEFAULT_MODEL_PATH, DEFAULT_TOPICS_PATH, type TopicModelFile } from '../../src/topics/topic.model.js';
import {
  byEra,
  countErrors,
  crossValidateByEra,
  DEFAULT_TRAINING,
  f1,
  microTotal,
  trainTopicModel,
  type Counts,
  type LabelledPaper,
} from './topic-model.trainer.js';
import { TopicTagger, type TopicQuery } from '../../src/topics/topic.tagger.js';

const TRAINING_SETS = [
  { file: 'tune.json', era: 'hf' },
  { file: 'hf-train.json', era: 'hf' },
  { file: 'older-train.json', era: 'older' },
] as const;

function readJson<T>(...path: string[]): T {
  return JSON.parse(readFileSync(fromRoot(...path), 'utf8')) as T;
}

function line(name: string, c: Counts): string {
  const m = f1(c);
  return `${name.padEnd(30)} P ${m.p.toFixed(3)}  R ${m.r.toFixed(3)}  F1 ${m.f.toFixed(3)}  (tp ${c.tp} fp ${c.fp} fn ${c.fn})`;
}

function printByEra(name: string, counts: Map<string, Counts>): void {
  for (const [era, c] of counts) console.log(line(`${name}, ${era}`, c));
  console.log(line(`${name}, all`, microTotal(counts.values())));
}

// One line per topic's weights: readable and diffable without a line per word.
function serialize(model: TopicModelFile): string {
  const topics = Object.entries(model.topics).map(([slug, t]) => {
    const fields = Object.entries(t).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    return `  ${JSON.stringify(slug)}: {\n${fields.join(',\n')}\n  }`;
  });
  const head = JSON.stringify({ ...model, topics: undefined }, null, 2).replace(/\n}$/, '');
  return `${head},\n "topics": {\n${topics.join(',\n')}\n }\n}\n`;
}

function main(): void {
  const args = process.argv.slice(2);
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : fromRoot(...DEFAULT_MODEL_PATH);
  const topics = readJson<TopicQuery[]>(...DEFAULT_TOPICS_PATH);
  const papers = TRAINING_SETS.flatMap(({ file, era }) =>
    readJson<LabelledPaper[]>('test', 'fixtures', 'topic-eval', file).map((p) => ({ ...p, era: p.era ?? era })),
  );
  for (const [era, group] of byEra(papers)) {
    console.log(`training papers, ${era}: ${group.length} papers, ${group.reduce((n, p) => n + p.labels.length, 0)} labels`);
  }
  if (args.includes('--cv')) {
    const queries = new TopicTagger(topics, { model: null });
    const slugs = topics.map((t) => t.slug);
    printByEra('queries alone', new Map([...byEra(papers)].map(([era, group]) => [era, microTotal(countErrors(queries, group, slugs).values())])));
    printByEra('queries + model, 5-fold CV', crossValidateByEra(papers, topics, DEFAULT_TRAINING));
  }
  const sets = TRAINING_SETS.map((s) => `test/fixtures/topic-eval/${s.file}`).join(' + ');
  const model = trainTopicModel(papers, topics, DEFAULT_TRAINING, `${sets} (${papers.length} papers)`);
  writeFileSync(out, serialize(model));
  const words = Object.values(model.topics).reduce((n, t) => n + Object.keys(t.words).length, 0);
  console.log(`wrote ${out}: ${Object.keys(model.topics).length} topics, ${words} word weights`);
}

main();
