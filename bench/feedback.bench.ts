/**
 * `npm run bench -- feedback`: does a digest sharpen with a reader's votes? An offline replay over
 * the August 2026 days of the shared Hugging Face corpus (../shared/data/hf-daily-papers).
 *
 * Each simulated reader subscribes to broad topics but really wants something narrower inside
 * them (their "hidden interest"). A paper is *of interest* when this rule, a regular expression
 * on its title and abstract (written here, in the open, never learned), matches:
 *
 *   coding & software engineering, inside llm + agents (185 papers, 33 of interest)
 *   robot manipulation, inside robotics + video + 3D vision (88, 18)
 *   video generation, inside video + image generation + multimodal (108, 20)
 *
 * (Robotics alone has 32 papers in August 2026, fewer than the 32 votes plus a digest; segmentation
 * has 2 and medical imaging 4, so "medical imaging inside segmentation" cannot be replayed on
 * these days: the third reader wants video generation instead.)
 *
 * Each round the reader opens their preview (20 papers, as `paperboy preview --limit 20` lists
 * them) and votes on four: "more like this" on one paper of interest, "less like this" on
 * the best-placed others. A voted paper counts as sent and leaves the pool. After 8, 16 and 32
 * votes the bench compares the reader's next digest (10 papers, none of them voted) with that of
 * an identical reader who never voted (same topics, same papers left): the share of papers of
 * interest in each, and the difference (the lift). The code is the digests' own selection
 * (CandidatePool.select with the reader's profile); only the database is left out.
 */
import { table } from './child.js';
import { loadCorpus } from './feedback.corpus.js';
import { CandidatePool, type CandidatePaper } from '../src/digests/digest.selection.js';
import type { ReaderProfile, Vote } from '../src/feedback/feedback.types.js';

interface Reader {
  name: string;
  topics: string[];
  interest: RegExp;
}

export const READERS: Reader[] = [
  {
    name: 'coding in llm + agents',
    topics: ['llm', 'agents'],
    interest:
      /\b(code (generation|llms?|models?|agents?|completion|repair|review|editing|reasoning|tasks?)|coding|coder|program synthesis|programming|software engineering|software|swe-bench|repository-level|debugging|unit tests?|compilers?)\b/i,
  },
  {
    name: 'manipulation in robotics + video + 3d',
    topics: ['robotics', 'video', '3d-vision'],
    interest: /\b(manipulat\w*|grasp\w*|dexterous|pick-and-place|bimanual|in-hand)\b/i,
  },
  {
    name: 'video generation in video + image gen + multimodal',
    topics: ['video', 'image-generation', 'multimodal'],
    interest: /\b(video generation|video diffusion|text-to-video|image-to-video|video synthesis|generated videos?|video generators?)\b/i,
  },
];

const CHECKPOINTS = [8, 16, 32];
const VOTES_PER_ROUND = 4;
const MORE_PER_ROUND = 1;
const PREVIEW = 20;
const DIGEST = 10;
const WINDOW = { windowStart: new Date(0), windowEnd: new Date(8.64e15) };

function isInterest(r: Reader, p: CandidatePaper): boolean {
  return r.interest.test(`${p.title} ${p.abstract ?? ''}`);
}

function digest(papers: CandidatePaper[], r: Reader, voted: Map<number, Vote>, profile: ReaderProfile | null, max: number): CandidatePaper[] {
  const pool = new CandidatePool(papers.filter((p) => !voted.has(p.id)));
  return pool.select({ topics: r.topics, keywords: null, ...WINDOW, max, profile }).papers.map((s) => s.paper);
}

function profileOf(papers: Map<number, CandidatePaper>, voted: Map<number, Vote>): ReaderProfile {
  const votes = [...voted].map(([id, vote]) => {
    const p = papers.get(id)!;
    return { vote, paper: { id, title: p.title, abstract: p.abstract, aiKeywords: p.aiKeywords, tags: [...p.tags.keys()] } };
  });
  return { votes, likes: [], authors: [] };
}

function share(r: Reader, papers: CandidatePaper[]): number {
  return papers.length ? papers.filter((p) => isInterest(r, p)).length / papers.length : 0;
}

/** One round of votes on the reader's preview: "more" on one paper of interest, "less" on the best-placed others. */
function vote(r: Reader, preview: CandidatePaper[], voted: Map<number, Vote>): void {
  const more = preview.filter((p) => isInterest(r, p)).slice(0, MORE_PER_ROUND);
  const less = preview.filter((p) => !isInterest(r, p)).slice(0, VOTES_PER_ROUND - more.length);
  for (const p of more) voted.set(p.id, 1);
  for (const p of less) voted.set(p.id, -1);
}

export async function run(): Promise<void> {
  const papers = await loadCorpus('2026-08-');
  const byId = new Map(papers.map((p) => [p.id, p]));
  const rows: Record<string, string | number>[] = [];
  const lifts = new Map<number, number[]>();
  for (const r of READERS) {
    const inTopics = papers.filter((p) => r.topics.some((t) => p.tags.has(t)));
    const voted = new Map<number, Vote>();
    for (const checkpoint of CHECKPOINTS) {
      while (voted.size < checkpoint) {
        const before = voted.size;
        vote(r, digest(papers, r, voted, voted.size ? profileOf(byId, voted) : null, PREVIEW), voted);
        if (voted.size === before) break;
      }
      const withVotes = share(r, digest(papers, r, voted, profileOf(byId, voted), DIGEST));
      const without = share(r, digest(papers, r, voted, null, DIGEST));
      lifts.set(checkpoint, [...(lifts.get(checkpoint) ?? []), withVotes - without]);
      rows.push({
        reader: r.name,
        'in topics (of interest)': `${inTopics.length} (${inTopics.filter((p) => isInterest(r, p)).length})`,
        votes: `${voted.size} (${[...voted.values()].filter((v) => v > 0).length} more)`,
        'share, no votes': without.toFixed(2),
        'share, with votes': withVotes.toFixed(2),
        lift: (withVotes - without >= 0 ? '+' : '') + (withVotes - without).toFixed(2),
      });
    }
  }
  for (const c of CHECKPOINTS) {
    const l = lifts.get(c)!;
    const mean = l.reduce((a, b) => a + b, 0) / l.length;
    rows.push({
      reader: 'MEAN',
      'in topics (of interest)': '',
      votes: String(c),
      'share, no votes': '',
      'share, with votes': '',
      lift: (mean >= 0 ? '+' : '') + mean.toFixed(2),
    });
  }
  process.stdout.write(`${papers.length} papers (2026-08), top ${DIGEST} unvoted papers of each digest; aim: lift ≥ +0.15 after 8 votes, ≥ +0.30 after 32\n`);
  table(rows);
}
