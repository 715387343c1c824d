/**
 * Ranking of the papers in a digest: a blend of how well a paper matches the subscriber's topics
 * or keywords and how much it is trending.
 *
 *   rank  = 0.7 × match + 0.3 × trend
 *   match = the best topic/keyword match score of the paper for this subscriber (0..1)
 *   trend = min(1, ln(1 + upvotes) / ln(1 + 100))
 *
 * Upvotes are log-damped: 0 → 0, 6 (the median on Hugging Face Daily Papers) → 0.42, 29 (top
 * 10%) → 0.74, 100 or more (top 1%) → 1: a borderline match (0.5) with 250 upvotes (0.65)
 * ranks below a near-perfect match with 3 (0.76), but among comparable matches the trending wins.
 * Papers without upvote data (arXiv dumps) get the trend of a median paper (0.42) instead of 0:
 * missing data is not evidence of disinterest.
 */

export interface RankInput {
  /** Match score from the tagger or a keyword query, 0..1. */
  matchScore: number;
  /** Upvotes where the source has them; null or undefined when it does not. */
  upvotes?: number | null;
}

export interface RankingOptions {
  /** Share of the rank given to match strength; the rest goes to the trending signal. */
  matchWeight: number;
  /** Upvotes at which the trending signal saturates at 1. */
  saturationUpvotes: number;
  /** Upvotes assumed for papers whose source has no upvote data. */
  priorUpvotes: number;
}

// Match scores of tagged papers lie between a tag threshold (0.35 for the topic model's
// probability, 0.5 for a query alone, 0.25 for keywords) and 1, a narrower spread than the
// trend's 0..1, hence the larger weight: otherwise a viral borderline match would outrank a
// near-perfect one.
export const DEFAULT_RANKING: RankingOptions = { matchWeight: 0.7, saturationUpvotes: 100, priorUpvotes: 6 };

/** The trending signal of an upvote count, 0..1 (see the top of this file). */
export function trendScore(upvotes: number | null | undefined, options: RankingOptions = DEFAULT_RANKING): number {
  const votes = upvotes == null || !Number.isFinite(upvotes) ? options.priorUpvotes : Math.max(0, upvotes);
  return Math.min(1, Math.log1p(votes) / Math.log1p(options.saturationUpvotes));
}

/** Rank of a paper for one subscriber, 0..1; higher comes first in the digest. */
export function rankScore(input: RankInput, options: RankingOptions = DEFAULT_RANKING): number {
  const match = Math.min(1, Math.max(0, Number.isFinite(input.matchScore) ? input.matchScore : 0));
  const rank = options.matchWeight * match + (1 - options.matchWeight) * trendScore(input.upvotes, options);
  return Math.round(rank * 10_000) / 10_000;
}
