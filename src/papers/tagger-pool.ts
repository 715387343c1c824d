import { availableParallelism } from 'node:os';
import { createBatchTagger, type BatchTagger } from '../topics/threaded.tagger.js';

/** A topic as the taggers compile it (slug and query). */
export type TopicQuery = Parameters<typeof createBatchTagger>[0][number];

/**
 * Tagging is most of an ingest's work: each batch is split over one tagger thread per core (two
 * at most beside the ingest's own thread), so a batch is tagged in the time of its largest part.
 */
export function createTaggerPool(topics: TopicQuery[], size = Math.min(2, availableParallelism())): BatchTagger {
  const taggers = Array.from({ length: Math.max(1, size) }, () => createBatchTagger(topics));
  return {
    async tagMany(docs) {
      if (taggers.length === 1 || docs.length < 2 * taggers.length) return taggers[0].tagMany(docs);
      const per = Math.ceil(docs.length / taggers.length);
      const parts = await Promise.all(taggers.map((t, i) => t.tagMany(docs.slice(i * per, (i + 1) * per))));
      return parts.flat();
    },
    async close() {
      await Promise.all(taggers.map((t) => t.close()));
    },
  };
}
