// Scratch: out-of-fold probabilities for every topic (model fitted for all), to study policies.
import { readFileSync, writeFileSync } from 'node:fs';
import { fromRoot } from '../../src/common/paths.js';
import { prepareDocument } from '../../src/topics/document.index.js';
import { TopicModel } from '../../src/topics/topic.model.js';
import { TopicTagger, type TopicQuery } from '../../src/topics/topic.tagger.js';
import { DEFAULT_TRAINING, trainTopicModel, type LabelledPaper } from './topic-model.trainer.js';

const [, , out, topicsFile, optsJson] = process.argv;
const topics = JSON.parse(readFileSync(topicsFile, 'utf8')) as TopicQuery[];
const options = { ...DEFAULT_TRAINING, minPositives: 0, ...(JSON.parse(optsJson ?? '{}') as object) };
const tune = JSON.parse(readFileSync(fromRoot('test/fixtures/topic-eval/tune.json'), 'utf8')) as LabelledPaper[];
const older = JSON.parse(readFileSync(fromRoot('test/fixtures/topic-eval/older-train.json'), 'utf8')) as LabelledPaper[];
const papers = [...tune.map((p) => ({ ...p, era: 'hf' })), ...older];
const folds = 5;
let state = 1;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const order = papers.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const fold = new Int32Array(papers.length);
order.forEach((p, i) => (fold[p] = i % folds));
const queries = new TopicTagger(topics, { model: null, threshold: 0 });
const docs = papers.map((p) => prepareDocument(p));
const q = docs.map((d) => {
  const m = new Map(queries.tag(d).map((t) => [t.slug, t.score]));
  return topics.map((t) => m.get(t.slug) ?? 0);
});
const p: number[][] = papers.map(() => []);
for (let k = 0; k < folds; k++) {
  const file = trainTopicModel(
    papers.filter((_, i) => fold[i] !== k),
    topics,
    options,
  );
  const scorer = new TopicModel(file).scorer(topics);
  papers.forEach((_, i) => {
    if (fold[i] === k) p[i] = Array.from(scorer.probabilities(docs[i], q[i]), (x) => Math.round(x * 1e4) / 1e4);
  });
  console.error(`fold ${k} done`);
}
writeFileSync(
  out,
  JSON.stringify({
    slugs: topics.map((t) => t.slug),
    papers: papers.map((x, i) => ({ id: x.id, era: x.era, labels: x.labels, title: x.title, q: q[i], p: p[i] })),
  }),
);
