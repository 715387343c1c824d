import { describe, expect, it } from '@jest/globals';
import { rankScore, trendScore } from '../../../src/topics/ranking.js';

describe('trendScore', () => {
  it('is log-damped and saturates at 100 upvotes', () => {
    expect(trendScore(0)).toBe(0);
    expect(trendScore(6)).toBeCloseTo(0.42, 2);
    expect(trendScore(29)).toBeCloseTo(0.74, 2);
    expect(trendScore(100)).toBe(1);
    expect(trendScore(5000)).toBe(1);
    expect(trendScore(20) - trendScore(10)).toBeLessThan(trendScore(10) - trendScore(0));
  });

  it('gives papers without upvote data the trend of a median paper, not zero', () => {
    expect(trendScore(null)).toBe(trendScore(6));
    expect(trendScore(undefined)).toBe(trendScore(6));
    expect(trendScore(Number.NaN)).toBe(trendScore(6));
    expect(trendScore(-3)).toBe(0);
  });
});

describe('rankScore', () => {
  it('rewards a stronger match at equal upvotes, and more upvotes at equal match', () => {
    expect(rankScore({ matchScore: 0.9, upvotes: 10 })).toBeGreaterThan(rankScore({ matchScore: 0.6, upvotes: 10 }));
    expect(rankScore({ matchScore: 0.7, upvotes: 50 })).toBeGreaterThan(rankScore({ matchScore: 0.7, upvotes: 5 }));
  });

  it('does not let a viral weak match bury a strong one', () => {
    expect(rankScore({ matchScore: 0.95, upvotes: 3 })).toBeGreaterThan(rankScore({ matchScore: 0.5, upvotes: 250 }));
    expect(rankScore({ matchScore: 0.7, upvotes: 3 })).toBeLessThan(rankScore({ matchScore: 0.6, upvotes: 250 }));
  });

  it('ranks an arXiv paper without upvotes between unpopular and popular trending papers', () => {
    const arxiv = rankScore({ matchScore: 0.8, upvotes: null });
    expect(arxiv).toBeGreaterThan(rankScore({ matchScore: 0.8, upvotes: 1 }));
    expect(arxiv).toBeLessThan(rankScore({ matchScore: 0.8, upvotes: 40 }));
  });

  it('stays within 0..1 and blends 70/30 by default', () => {
    expect(rankScore({ matchScore: 1, upvotes: 1000 })).toBe(1);
    expect(rankScore({ matchScore: 0, upvotes: 0 })).toBe(0);
    expect(rankScore({ matchScore: 1, upvotes: 0 })).toBe(0.7);
    expect(rankScore({ matchScore: 2, upvotes: -1 })).toBe(0.7);
    expect(rankScore({ matchScore: 0.5, upvotes: 0 }, { matchWeight: 1, saturationUpvotes: 100, priorUpvotes: 6 })).toBe(0.5);
  });
});
