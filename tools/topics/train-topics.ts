/**
 * Fits the topic model (src/topics/topic.model.ts) to the tune set and writes it where the
 * tagger reads it.
 *
 *   npm run train:topics -- [--cv] [--out FILE]
 *
 * `--cv` first prints 5-fold cross-validated precision, recall and F1 on the tune set for the
 * queries alone and for queries + model, the figures the training options were chosen by.
 * The holdout set is never read here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fromRoot } from '../../src/common/paths.js';
import { DEFAULT_MODEL_PATH, DEFAULT_TOPICS_PATH, type TopicModelFile } from '../../src/topics/topic.model.js';
import { countErrors, crossValidate, DEFAULT_TRAINING, f1, microTotal, trainTopicModel, type Counts, type LabelledPaper } from './topic-model.trainer.js';
import { TopicTagger, type TopicQuery } from '../../src/topics/topic.tagger.js';

const TUNE_SET = ['test', 'fixtures', 'topic-eval', 'tune.json'];

function readJson<T>(...path: string[]): T {
  return JSON.parse(readFileSync(fromRoot(...path), 'utf8')) as T;
}

function line(name: string, c: Counts): string {
  const m = f1(c);
  return `${name.padEnd(22)} P ${m.p.toFixed(3)}  R ${m.r.toFixed(3)}  F1 ${m.f.toFixed(3)}  (tp ${c.tp} fp ${c.fp} fn ${c.fn})`;
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
  const papers = readJson<LabelledPaper[]>(...TUNE_SET);
  console.log(`tune set: ${papers.length} papers, ${papers.reduce((n, p) => n + p.labels.length, 0)} labels`);
  if (args.includes('--cv')) {
    const queries = new TopicTagger(topics, { model: null });
    console.log(
      line(
        'queries alone',
        microTotal(
          countErrors(
            queries,
            papers,
            topics.map((t) => t.slug),
          ).values(),
        ),
      ),
    );
    console.log(line('queries + model, 5-CV', crossValidate(papers, topics, DEFAULT_TRAINING)));
  }
  const model = trainTopicModel(papers, topics, DEFAULT_TRAINING, `${TUNE_SET.join('/')} (${papers.length} papers)`);
  writeFileSync(out, serialize(model));
  const words = Object.values(model.topics).reduce((n, t) => n + Object.keys(t.words).length, 0);
  console.log(`wrote ${out}: ${Object.keys(model.topics).length} topics, ${words} word weights`);
}

main();
