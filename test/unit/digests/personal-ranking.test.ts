import { describe, expect, it } from '@jest/globals';
import { nameKey, sameAuthor } from '../../../src/digests/author-names.js';
import { allocate, type RankedReason } from '../../../src/digests/digest.sections.js';
import { CandidatePool, type CandidatePaper } from '../../../src/digests/digest.selection.js';
import { MAX_SIMILAR, personalWeight } from '../../../src/digests/personal-ranking.js';
import type { ProfilePaper } from '../../../src/feedback/feedback.types.js';
import { buildModel, parseModel } from '../../../src/feedback/reader-model.js';
import { likedPaperId } from '../../../src/subscribers/subscription.input.js';

let next = 1;
function paper(title: string, abstract: string, tags: string[], authors: string[] = ['A. Writer'], upvotes = 10): CandidatePaper {
  return {
    id: next++,
    arxivId: null,
    title,
    authors,
    abstract,
    aiSummary: null,
    aiKeywords: [],
    upvotes,
    url: 'https://example.org',
    arxivUrl: null,
    pdfUrl: null,
    codeUrl: null,
    projectUrl: null,
    hfUrl: null,
    publishedAt: null,
    trendingDate: null,
    availableAt: 1000,
    tags: new Map(tags.map((t) => [t, { score: 0.8, matched: [t] }])),
  };
}

const asProfile = (p: CandidatePaper): ProfilePaper => ({ id: p.id, title: p.title, abstract: p.abstract, aiKeywords: [], tags: [...p.tags.keys()] });
const WINDOW = { windowStart: new Date(0), windowEnd: new Date(2000) };

describe('followed authors', () => {
  it('match tolerant of initials, accents and order', () => {
    const same = (a: string, b: string) => sameAuthor(nameKey(a), nameKey(b));
    expect(same('Y. LeCun', 'Yann LeCun')).toBe(true);
    expect(same('Yann LeCun', 'Y. LeCun')).toBe(true);
    expect(same('LeCun, Yann', 'Yann LeCun')).toBe(true);
    expect(same('Jose Garcia', 'José García')).toBe(true);
    expect(same('Kaiming He', 'He Kaiming')).toBe(true);
    expect(same('Fei-Fei Li', 'Fei-Fei Li')).toBe(true);
    expect(same('Yann LeCun', 'Yann Dauphin')).toBe(false);
    expect(same('K. He', 'Kaiming Li')).toBe(false);
    expect(same('Yann LeCun', 'Bob LeCun')).toBe(false);
  });

  it("give a followed author's new papers their own section", () => {
    const theirs = paper('A paper on graphs', 'graphs', ['graph-learning'], ['Jane Doe', 'José García']);
    const other = paper('Agents at scale', 'agents', ['agents']);
    const pool = new CandidatePool([theirs, other]);
    const sel = pool.select({ topics: ['agents'], keywords: null, ...WINDOW, max: 10, profile: { votes: [], likes: [], authors: ['J. Garcia'] } });
    expect(sel.papers.map((p) => [p.paper.id, p.section.kind, p.section.label])).toEqual([
      [theirs.id, 'author', 'J. Garcia'],
      [other.id, 'topic', 'agents'],
    ]);
  });

  it("never reads the window's words for a reader who only follows authors (a large window's preview stays cheap)", () => {
    const theirs = paper('A paper on graphs', 'graphs', ['graph-learning'], ['José García']);
    const others = [paper('Seeing at scale', 'vision', ['vision']), paper('Pixels', 'pixels', ['vision'])];
    const read: number[] = [];
    for (const p of [theirs, ...others])
      Object.defineProperty(p, 'aiKeywords', {
        get: () => {
          read.push(p.id);
          return [];
        },
      });
    const sel = new CandidatePool([theirs, ...others]).select({
      topics: ['agents'],
      keywords: null,
      ...WINDOW,
      max: 10,
      profile: { votes: [], likes: [], authors: ['J. Garcia'] },
    });
    expect(sel.papers.map((p) => p.paper.id)).toEqual([theirs.id]);
    expect(read.filter((id) => id !== theirs.id)).toEqual([]);
  });
});

describe('the personal ranking', () => {
  const coding = Array.from({ length: 6 }, (_, i) =>
    paper(`Coding agent ${i} repairs repositories`, 'software engineering agents write code, fix bugs in repositories and pass unit tests', ['agents'], [], 10),
  );
  const generic = Array.from({ length: 20 }, (_, i) =>
    paper(`Agents plan trips ${i}`, 'agents plan travel and booking with memory and tools', ['agents'], [], 20),
  );
  const outside = paper('Program repair of software repositories', 'software engineering: code repair in repositories with unit tests', ['code'], [], 5);
  const unrelated = paper('Protein folding', 'proteins fold', ['biology'], [], 5);
  const pool = new CandidatePool([...coding, ...generic, outside, unrelated]);
  const request = { topics: ['agents'], keywords: null, ...WINDOW, max: 10 };

  it('ranks papers like the ones voted "more" higher, and says which one they are like', () => {
    const plain = pool.select(request);
    expect(plain.papers.filter((p) => coding.includes(p.paper)).length).toBe(0);
    const profile = { votes: [coding[0], coding[1]].map((p) => ({ paper: asProfile(p), vote: 1 as const })), likes: [], authors: [] };
    const sel = pool.select({ ...request, profile });
    const shown = sel.papers.map((p) => p.paper);
    expect(shown).not.toContain(coding[0]); // voted: known to the reader
    expect(shown.filter((p) => coding.includes(p)).length).toBe(4);
    const why = sel.papers.find((p) => p.paper === coding[2])!.reasons.map((r) => r.note ?? r.label);
    expect(why.join(' ')).toMatch(/like “Coding agent [01] repairs repositories”/);
  });

  it('pulls a few papers from outside the topics into "you might also like", never the unrelated ones', () => {
    const profile = { votes: coding.slice(0, 3).map((p) => ({ paper: asProfile(p), vote: 1 as const })), likes: [], authors: [] };
    const sel = pool.select({ ...request, profile });
    const similar = sel.papers.filter((p) => p.section.kind === 'similar').map((p) => p.paper);
    expect(similar).toEqual([outside]);
    expect(similar.length).toBeLessThanOrEqual(MAX_SIMILAR);
    expect(sel.sections?.find((s) => s.kind === 'similar')?.label).toBe('You might also like');
  });

  it('ranks the same from the stored model (read back from its JSON) as from the votes it was built from', () => {
    const votes = [
      ...coding.slice(0, 2).map((p) => ({ paper: asProfile(p), vote: 1 as const })),
      ...generic.slice(0, 3).map((p) => ({ paper: asProfile(p), vote: -1 as const })),
    ];
    const model = parseModel(JSON.stringify(buildModel({ votes, likes: [] })));
    expect(model).not.toBeNull();
    expect(model!.known.sort()).toEqual(votes.map((v) => v.paper.id).sort());
    const fromVotes = pool.select({ ...request, profile: { votes, likes: [], authors: [] } });
    const fromModel = pool.select({ ...request, profile: { votes: [], likes: [], authors: [], model } });
    const summary = (s: typeof fromVotes) => s.papers.map((p) => [p.paper.id, p.rank, p.reasons.map((r) => r.note ?? r.label)]);
    expect(summary(fromModel)).toEqual(summary(fromVotes));
    expect(parseModel('{"v":0}')).toBeNull();
    expect(parseModel('not json')).toBeNull();
  });

  it('weighs feedback more with more votes, never all of the rank', () => {
    expect(personalWeight(0)).toBe(0);
    expect(personalWeight(1)).toBeLessThan(personalWeight(8));
    expect(personalWeight(8)).toBeLessThan(personalWeight(32));
    expect(personalWeight(1000)).toBeLessThanOrEqual(0.75);
  });

  it('keeps at least one paper of every section whatever the votes say', () => {
    const topic = (key: string, rank: number): RankedReason => ({ kind: 'topic', key, label: key, rank });
    const a = Array.from({ length: 20 }, (_, i) => ({ item: i, id: i, reasons: [topic('a', 0.9 - i / 100)] }));
    const b = Array.from({ length: 20 }, (_, i) => ({ item: 100 + i, id: 100 + i, reasons: [topic('b', 0.2 - i / 1000)] }));
    const { sections } = allocate([...a, ...b], 10, 0.75);
    expect(sections.map((s) => [s.key, s.shown])).toEqual([
      ['a', 9],
      ['b', 1],
    ]);
    expect(allocate([...a, ...b], 10).sections.map((s) => s.shown)).toEqual([5, 5]);
  });
});

describe('liked papers', () => {
  it('are arXiv ids or paper URLs', () => {
    expect(likedPaperId('2401.00001')).toBe('2401.00001');
    expect(likedPaperId('2401.00001v3')).toBe('2401.00001');
    expect(likedPaperId('https://arxiv.org/abs/2401.00001v2')).toBe('2401.00001');
    expect(likedPaperId('https://arxiv.org/pdf/2401.00001.pdf')).toBe('2401.00001');
    expect(likedPaperId('https://huggingface.co/papers/2608.09802')).toBe('2608.09802');
    expect(likedPaperId('arXiv:hep-th/9901001')).toBe('hep-th/9901001');
    expect(likedPaperId('https://example.org/2401.00001')).toBeNull();
    expect(likedPaperId('hello')).toBeNull();
  });
});
