/**
 * `npm run bench -- feedback-speed`: the cost of the personal ranking. One reader, a pool of 500
 * candidate papers (real July–August 2026 papers, every topic subscribed), 200 votes (100 "more",
 * 100 "less") on 200 other papers; the digest's selection with the personal model against the same
 * selection without it, in the same run. The votes' papers get fresh ids at every iteration, so
 * each one is tokenized again, as for a reader whose voted papers no other reader of the run shares.
 */
import { table } from './child.js';
import { loadCorpus } from './feedback.corpus.js';
import { CandidatePool, type CandidatePaper } from '../src/digests/digest.selection.js';
import type { ReaderProfile } from '../src/feedback/feedback.types.js';

const ITERATIONS = 300;
const POOL = 500;
const VOTES = 200;

function stats(ms: number[]): { median: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95)] };
}

function profile(voted: CandidatePaper[], offset: number): ReaderProfile {
  return {
    votes: voted.map((p, i) => ({
      vote: i % 2 === 0 ? (1 as const) : (-1 as const),
      paper: { id: p.id + offset, title: p.title, abstract: p.abstract, aiKeywords: p.aiKeywords, tags: [...p.tags.keys()] },
    })),
    likes: [],
    authors: [],
  };
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  const papers = [...(await loadCorpus('2026-07-')), ...(await loadCorpus('2026-08-'))].map((p, i) => ({ ...p, id: i + 1 }));
  const tagged = papers.filter((p) => p.tags.size > 0);
  const candidates = tagged.slice(0, POOL);
  const voted = papers.filter((p) => !candidates.includes(p)).slice(0, VOTES);
  if (candidates.length < POOL || voted.length < VOTES) throw new Error(`the corpus has ${candidates.length} candidates and ${voted.length} others`);
  const topics = [...new Set(candidates.flatMap((p) => [...p.tags.keys()]))];
  const request = { topics, keywords: null, windowStart: new Date(0), windowEnd: new Date(8.64e15), max: 10 };
  const pool = new CandidatePool(candidates);
  const first = time(() => pool.select({ ...request, profile: profile(voted, 0) }));
  const warm = profile(voted, 0);
  const base: number[] = [];
  const cold: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    base.push(time(() => pool.select(request)));
    const fresh = profile(voted, (i + 1) * 1_000_000);
    cold.push(time(() => pool.select({ ...request, profile: fresh })));
    cached.push(time(() => pool.select({ ...request, profile: warm })));
  }
  const b = stats(base);
  const row = (step: string, ms: number[]) => {
    const s = stats(ms);
    return { step, 'median ms': s.median.toFixed(2), 'p95 ms': s.p95.toFixed(2), 'ratio (median)': (s.median / b.median).toFixed(2) };
  };
  process.stdout.write(
    `one reader, ${POOL} candidates, ${VOTES} votes, ${ITERATIONS} iterations; the first personal selection on a new pool (its word statistics) took ${first.toFixed(1)} ms\n`,
  );
  table([
    row('selection without personal model (baseline)', base),
    row('with 200 votes, voted papers new to the run', cold),
    row('with 200 votes, voted papers seen before in the run', cached),
  ]);
}
