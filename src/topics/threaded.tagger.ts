import { Worker } from 'node:worker_threads';
import { workerScriptBuilt } from '../common/worker-script.js';
import type { TopicTag } from './paper-topic.repository.js';
import { TopicTagger, type TopicQuery } from './topic.tagger.js';
import type { TaggableText } from './topic.types.js';

/** Tags batches of papers, on a worker thread when one can be started, else on this thread. */
export interface BatchTagger {
  tagMany(docs: TaggableText[]): Promise<TopicTag[][]>;
  close(): Promise<void>;
}

const WORKER_SCRIPT = new URL('./tagger.worker.js', import.meta.url);

/**
 * Under jest the sources are TypeScript and there is no compiled worker script: tagging then runs
 * in-thread, with the same TopicTagger, so results are identical either way.
 */
export function createBatchTagger(topics: TopicQuery[]): BatchTagger {
  if (topics.length === 0 || !workerScriptBuilt(WORKER_SCRIPT)) return inThread(topics);
  return new ThreadedTagger(topics);
}

function inThread(topics: TopicQuery[]): BatchTagger {
  const tagger = new TopicTagger(topics);
  return { tagMany: async (docs) => docs.map((d) => tagger.tag(d)), close: async () => undefined };
}

class ThreadedTagger implements BatchTagger {
  private readonly worker: Worker;
  /** Set when the thread died: later batches are tagged here instead of waiting for it forever. */
  private fallback: BatchTagger | null = null;
  private readonly waiting = new Map<number, { resolve: (t: TopicTag[][]) => void; reject: (e: Error) => void }>();
  private next = 0;

  constructor(private readonly topics: TopicQuery[]) {
    this.worker = new Worker(WORKER_SCRIPT, { workerData: topics });
    // Referenced only while it owes answers: an idle tagger never keeps a command alive, and a
    // busy one keeps the process from exiting while the caller awaits it.
    this.worker.unref();
    this.worker.on('message', ({ id, tags }: { id: number; tags: TopicTag[][] }) => {
      this.waiting.get(id)?.resolve(tags);
      this.waiting.delete(id);
      if (this.waiting.size === 0) this.worker.unref();
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => this.failAll(new Error(`tagger thread exited (${code})`)));
  }

  tagMany(docs: TaggableText[]): Promise<TopicTag[][]> {
    if (this.fallback) return this.fallback.tagMany(docs);
    const id = this.next++;
    const plain = docs.map((d) => ({ title: d.title, abstract: d.abstract, aiKeywords: d.aiKeywords }));
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, docs: plain });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(err: Error): void {
    this.fallback ??= inThread(this.topics);
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
    this.worker.unref();
  }
}
