/** What tagging needs of a paper. */
export interface TaggableText {
  title: string;
  abstract: string | null;
  aiKeywords: string[];
}
