// A worker thread that tags papers, so a large ingest parses and writes on one core while the
// topic matching runs on the other. It holds its own TopicTagger, compiled from workerData.
import { parentPort, workerData } from 'node:worker_threads';
import { TopicTagger, type TopicQuery } from './topic.tagger.js';
import type { TaggableText } from './topic.types.js';

const tagger = new TopicTagger(workerData as TopicQuery[]);

parentPort!.on('message', ({ id, docs }: { id: number; docs: TaggableText[] }) => {
  parentPort!.postMessage({ id, tags: docs.map((d) => tagger.tag(d)) });
});
