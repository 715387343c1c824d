/**
 * `npm run bench -- feedback-speed`: the cost of the personal ranking. One reader, a pool of 500
 * candidate papers (real July–August 2026 papers, every topic subscribed), 200 votes (100 "more",
 * 100 "less") on 200 other papers; the digest's selection with the personal model against the same
 * selection without it, in the same run.
 *
 * - stored model (what a run does): the reader's model was built when they voted and is read
 *   back; the run maps its terms onto the pool's and scores. Also timed alone: the personal part
 *   (the ranker, its reasons and the blend of every candidate), without the rest of the selection.
 * - no stored model (cold): the model is built inside the selection from the 200 voted papers,
 *   each tokenized again (fresh ids every iteration), as a run would if the model were missing.
 * - building the model, as when a vote is cast.
 */
import { table } from './child.js';
import { loadCorpus } from './feedback.corpus.js';
import { CandidatePool, type CandidatePaper } from '../src/digests/digest.selection.js';
import { PersonalRanker } from '../src/digests/personal-ranking.js';
import type { ReaderProfile } from '../src/feedback/feedback.types.js';
import { buildModel } from '../src/feedback/reader-model.js';

const ITERATIONS = 300;
/** The cold path tokenizes 200 papers per iteration: fewer iterations keep the bench short. */
const COLD_ITERATIONS = 30;
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
  const stored: ReaderProfile = { votes: [], likes: [], authors: [], model: buildModel(profile(voted, 0)) };
  const found = new Map(candidates.map((p) => [p.id, p]));
  const personalPart = () => {
    const ranker = new PersonalRanker(pool.papers, stored);
    ranker.extend(pool.papers, found, () => undefined);
    for (const p of pool.papers) ranker.blend(p, 0.5);
  };
  const m: Record<string, number[]> = { base: [], stored: [], part: [], cold: [], build: [] };
  for (let i = 0; i < ITERATIONS; i++) {
    m.base.push(time(() => pool.select(request)));
    m.stored.push(time(() => pool.select({ ...request, profile: stored })));
    m.part.push(time(personalPart));
    if (i % (ITERATIONS / COLD_ITERATIONS) !== 0) continue;
    const fresh = profile(voted, (i + 1) * 1_000_000);
    m.cold.push(time(() => pool.select({ ...request, profile: fresh })));
    m.build.push(time(() => buildModel(profile(voted, (i + 1) * 1_000_000 + 500_000))));
  }
  const b = stats(m.base);
  const row = (step: string, ms: number[]) => {
    const s = stats(ms);
    return { step, runs: ms.length, 'median ms': s.median.toFixed(2), 'p95 ms': s.p95.toFixed(2), 'ratio (median)': (s.median / b.median).toFixed(2) };
  };
  process.stdout.write(
    `one reader, ${POOL} candidates, ${VOTES} votes; the first personal selection on a new pool (its word statistics, once per run) took ${first.toFixed(1)} ms\n`,
  );
  table([
    row('selection without personal model (baseline)', m.base),
    row('selection with the stored model (200 votes)', m.stored),
    row('  the personal part alone (ranker + reasons + blend)', m.part),
    row('selection, no stored model: built from 200 voted papers (cold)', m.cold),
    row('building the model from 200 voted papers (at a vote)', m.build),
  ]);
}
