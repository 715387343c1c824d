import { availableParallelism } from 'node:os';
import { createBatchTagger, type BatchTagger } from '../topics/threaded.tagger.js';

/** A topic as the taggers compile it (slug and query). */
export type TopicQuery = Parameters<typeof createBatchTagger>[0][number];

/**
 * Tagging is most of an ingest's work: a large batch is split over one tagger thread per core
 * (two at most beside the ingest's own thread), so it is tagged in the time of its largest part.
 * The extra threads start at the first large batch: a corpus of small files never pays for them.
 */
export function createTaggerPool(topics: TopicQuery[], size = Math.min(2, availableParallelism())): BatchTagger {
  const taggers = [createBatchTagger(topics)];
  return {
    async tagMany(docs) {
      if (docs.length < 100 || size < 2) return taggers[0].tagMany(docs);
      while (taggers.length < size) taggers.push(createBatchTagger(topics));
      const per = Math.ceil(docs.length / taggers.length);
      const parts = await Promise.all(taggers.map((t, i) => t.tagMany(docs.slice(i * per, (i + 1) * per))));
      return parts.flat();
    },
    async close() {
      await Promise.all(taggers.map((t) => t.close()));
    },
  };
}
