import { describe, expect, it } from '@jest/globals';
import { discordPayload, LIMITS, slackPayload, type DigestMessage } from '../../../src/channels/channel.formats.js';
import type { SelectedPaper } from '../../../src/digests/digest.selection.js';

/** An oversized digest: every field longer than any platform allows, so each limit must be enforced, not just met by luck. */
function message(n: number, total = n): DigestMessage {
  const papers: SelectedPaper[] = Array.from({ length: n }, (_, i) => ({
    rank: i + 1,
    section: { kind: 'topic', key: 'agents', label: 'Agents' },
    reasons: Array.from({ length: 30 }, (_, r) => ({
      kind: 'topic' as const,
      key: `topic-${r}`,
      label: `A very long topic name number ${r} `.repeat(5),
      words: Array.from({ length: 20 }, (_, w) => `word${w}`),
      score: 1,
    })),
    paper: {
      id: i + 1,
      arxivId: `2608.${String(10000 + i)}`,
      title: `Paper ${i} <b>&</b> ${'with a title far too long for any chat platform '.repeat(40)}`,
      authors: Array.from({ length: 50 }, (_, a) => `Author Number${a}`),
      abstract: 'x'.repeat(5000),
      aiSummary: null,
      aiKeywords: [],
      upvotes: 100 + i,
      url: `https://huggingface.co/papers/2608.${String(10000 + i)}`,
      arxivUrl: null,
      pdfUrl: null,
      codeUrl: `https://github.com/org/repo-${i}`,
      projectUrl: null,
      hfUrl: null,
      publishedAt: null,
      trendingDate: null,
      availableAt: 0,
      tags: new Map(),
    },
  }));
  return {
    channel: {
      id: 1,
      name: `lab-${'n'.repeat(200)}`,
      kind: 'slack',
      url: 'https://hooks.slack.com/x',
      topics: [],
      keywords: null,
      hour: 8,
      lastDeliveryAt: null,
      lastError: null,
      lastErrorAt: null,
      createdAt: '2026-08-20T00:00:00Z',
    },
    deliveryId: 7,
    period: '2026-08-20',
    selection: { papers, total },
    topicNames: new Map(),
    publicUrl: 'https://paperboy.example',
  };
}

describe('channel formats within the platforms’ size limits', () => {
  it('Slack: at most 50 blocks, a 150-character header, 3000-character sections, and "and N more" for the rest', () => {
    const m = message(80, 95);
    const body = slackPayload(m) as { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] };
    expect(body.blocks).toHaveLength(LIMITS.slackBlocks);
    expect(body.blocks[0].type).toBe('header');
    expect(body.blocks[0].text!.text.length).toBeLessThanOrEqual(LIMITS.slackHeader);
    const sections = body.blocks.filter((b) => b.type === 'section');
    expect(sections).toHaveLength(LIMITS.slackBlocks - 2);
    for (const s of sections) {
      expect(s.text!.text.length).toBeLessThanOrEqual(LIMITS.slackSection);
      expect(s.text!.text).not.toContain('<b>'); // mrkdwn control characters escaped
    }
    expect(body.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${95 - 48} more` }] });
  });

  it('Discord: at most 10 embeds, titles of 256, 6000 characters in all, content of 2000, and the rest counted', () => {
    const m = message(30, 42);
    const body = discordPayload(m) as { content: string; embeds: { title: string; description: string; url: string }[] };
    expect(body.embeds.length).toBeGreaterThan(0);
    expect(body.embeds.length).toBeLessThanOrEqual(LIMITS.discordEmbeds);
    for (const e of body.embeds) {
      expect(e.title.length).toBeLessThanOrEqual(LIMITS.discordTitle);
      expect(e.description.length).toBeLessThanOrEqual(LIMITS.discordDescription);
    }
    expect(body.embeds.reduce((n, e) => n + e.title.length + e.description.length, 0)).toBeLessThanOrEqual(LIMITS.discordTotal);
    expect(body.content.length).toBeLessThanOrEqual(LIMITS.discordContent);
    expect(body.content).toContain(`(and ${42 - body.embeds.length} more)`);
  });

  it('a small digest is sent whole, nothing cut', () => {
    const m = message(2);
    m.selection.papers.forEach((p) => {
      p.paper.title = 'Short title';
      p.paper.authors = ['A. Author'];
      p.reasons = [{ kind: 'topic', key: 'agents', label: 'Agents', words: ['agent'], score: 1 }];
    });
    const slack = slackPayload(m) as { blocks: { type: string; text?: { text: string } }[] };
    expect(slack.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section']);
    expect(slack.blocks[1].text!.text).not.toContain('…');
    const discord = discordPayload(m) as { content: string; embeds: { title: string }[] };
    expect(discord.embeds.map((e) => e.title)).toEqual(['Short title', 'Short title']);
    expect(discord.content).not.toContain('more');
  });
});
