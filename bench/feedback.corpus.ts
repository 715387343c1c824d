import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../src/common/paths.js';
import type { CandidatePaper } from '../src/digests/digest.selection.js';
import { HfApiParser } from '../src/papers/parsers/index.js';
import { DEFAULT_TOPICS_PATH } from '../src/topics/topic.model.js';
import { TopicTagger, type TopicQuery } from '../src/topics/topic.tagger.js';

/** The Hugging Face Daily Papers of some days of the shared corpus, tagged by the default topics, as digest candidates. */
export async function loadCorpus(prefix: string): Promise<CandidatePaper[]> {
  const dir = fromRoot('..', 'shared', 'data', 'hf-daily-papers');
  const topics = JSON.parse(readFileSync(fromRoot(...DEFAULT_TOPICS_PATH), 'utf8')) as TopicQuery[];
  const tagger = new TopicTagger(topics);
  const parser = new HfApiParser();
  const papers = new Map<string, CandidatePaper>();
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort();
  for (const [day, file] of files.entries()) {
    const text = readFileSync(join(dir, file), 'utf8');
    async function* source() {
      yield text;
    }
    for await (const e of parser.parse(source(), file, {})) {
      if (e.kind !== 'paper' || !e.paper.arxivId || papers.has(e.paper.arxivId)) continue;
      const p = e.paper;
      const tags = new Map(tagger.tag(p).map((t) => [t.slug, { score: t.score, matched: t.matched }]));
      papers.set(p.arxivId!, {
        id: papers.size + 1,
        arxivId: p.arxivId,
        title: p.title,
        authors: p.authors,
        abstract: p.abstract,
        aiSummary: p.aiSummary,
        aiKeywords: p.aiKeywords,
        upvotes: p.upvotes,
        url: `https://huggingface.co/papers/${p.arxivId}`,
        arxivUrl: `https://arxiv.org/abs/${p.arxivId}`,
        pdfUrl: null,
        codeUrl: p.codeUrl,
        projectUrl: p.projectUrl,
        hfUrl: `https://huggingface.co/papers/${p.arxivId}`,
        publishedAt: p.publishedAt,
        trendingDate: p.trendingDate,
        availableAt: Date.UTC(2026, 7, 1) + day * 86_400_000,
        tags,
      });
    }
  }
  return [...papers.values()];
}
