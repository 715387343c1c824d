import { describe, expect, it } from '@jest/globals';
import { selectDigest } from '../../../src/digests/catch-up.js';
import { CandidatePool, type CandidatePaper, type SelectionRequest } from '../../../src/digests/digest.selection.js';
import { ProfileSelections } from '../../../src/digests/profile-selection.js';

function paper(id: number, tags: string[]): CandidatePaper {
  return {
    id,
    arxivId: null,
    title: `Paper ${id} on ${tags.join(' and ')}`,
    authors: ['A. Writer'],
    abstract: `About ${tags.join(', ')}.`,
    aiSummary: null,
    aiKeywords: [],
    upvotes: id,
    url: `https://example.org/${id}`,
    arxivUrl: null,
    pdfUrl: null,
    codeUrl: null,
    projectUrl: null,
    hfUrl: null,
    publishedAt: null,
    trendingDate: null,
    availableAt: 1000 + id,
    tags: new Map(tags.map((t) => [t, { score: 0.8, matched: [t] }])),
  };
}

const pool = new CandidatePool([paper(1, ['agents']), paper(2, ['llm']), paper(3, ['agents', 'llm'])]);
const names = new Map([['agents', 'Agents']]);
const base: SelectionRequest = { topics: ['agents'], keywords: null, windowStart: new Date(0), windowEnd: new Date(5000), max: 10, topicNames: names };

describe('selections by interest profile', () => {
  it('selects once for readers who asked for the same thing, and the same as selecting for each', () => {
    const selections = new ProfileSelections();
    const first = selections.select(pool, { ...base, topics: ['agents'] }, 'daily');
    expect(selections.select(pool, { ...base, topics: ['agents'] }, 'daily')).toBe(first);
    expect(first).toEqual(selectDigest(pool, base, 'daily'));
  });

  it('selects again when anything a selection depends on differs', () => {
    const selections = new ProfileSelections();
    const first = selections.select(pool, base, 'daily');
    const others: [SelectionRequest, 'daily' | 'weekly'][] = [
      [{ ...base, topics: ['agents', 'llm'] }, 'daily'],
      [{ ...base, keywords: 'agents' }, 'daily'],
      [{ ...base, muted: ['topic:agents'] }, 'daily'],
      [{ ...base, windowStart: new Date(1002) }, 'daily'],
      [{ ...base, max: 1 }, 'daily'],
      [base, 'weekly'],
      [{ ...base, topicNames: new Map() }, 'daily'],
      [{ ...base, profile: { votes: [], likes: [], authors: ['A. Writer'] } }, 'daily'],
    ];
    for (const [req, frequency] of others) {
      const got = selections.select(pool, req, frequency);
      expect(got).not.toBe(first);
      expect(got).toEqual(selectDigest(pool, req, frequency));
    }
    // a reader with a personal ranking is never shared, even with an identical one
    const personal = { ...base, profile: { votes: [], likes: [], authors: ['A. Writer'] } };
    expect(selections.select(pool, personal, 'daily')).not.toBe(selections.select(pool, personal, 'daily'));
  });
});
