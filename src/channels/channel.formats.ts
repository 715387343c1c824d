import type { Selection, SelectedPaper } from '../digests/digest.selection.js';
import type { Channel } from './channel.types.js';

export interface DigestMessage {
  channel: Channel;
  deliveryId: number;
  period: string;
  selection: Selection;
  topicNames: Map<string, string>;
  publicUrl: string;
}

/** Slack: at most 50 blocks, 3000 characters of section text, 150 of header text. Discord: 10 embeds, 6000 characters in all. */
export const LIMITS = {
  slackBlocks: 50,
  slackSection: 3000,
  slackHeader: 150,
  discordEmbeds: 10,
  discordTitle: 256,
  discordDescription: 4096,
  discordTotal: 6000,
  discordContent: 2000,
};

export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function reasons(p: SelectedPaper, names: Map<string, string>): string {
  return p.reasons.map((r) => `${r.kind === 'topic' ? (names.get(r.key) ?? r.label) : r.label}${r.words.length ? ` (${r.words.join(', ')})` : ''}`).join('; ');
}

function authors(list: string[]): string {
  return list.length > 4 ? `${list.slice(0, 3).join(', ')} et al.` : list.join(', ');
}

function title(m: DigestMessage): string {
  return `Paperboy digest for ${m.channel.name}, ${m.period}: ${m.selection.total} new paper${m.selection.total === 1 ? '' : 's'}`;
}

function more(m: DigestMessage): number {
  return m.selection.total - m.selection.papers.length;
}

/** Slack's `&`, `<` and `>` are control characters in mrkdwn text. */
function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPayload(m: DigestMessage): object {
  const blocks: object[] = [{ type: 'header', text: { type: 'plain_text', text: cut(title(m), LIMITS.slackHeader) } }];
  // header + papers + "and N more" context stay within the block limit
  for (const p of m.selection.papers.slice(0, LIMITS.slackBlocks - 2)) {
    const lines = [
      `*<${p.paper.url}|${slackEscape(cut(p.paper.title, 300))}>*`,
      slackEscape(authors(p.paper.authors)),
      `_Why:_ ${slackEscape(reasons(p, m.topicNames))}`,
    ];
    if (p.paper.upvotes != null) lines.push(`▲ ${p.paper.upvotes}${p.paper.codeUrl ? ` · <${p.paper.codeUrl}|code>` : ''}`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(lines.join('\n'), LIMITS.slackSection) } });
  }
  const rest = m.selection.total - Math.min(m.selection.papers.length, LIMITS.slackBlocks - 2);
  if (rest > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${rest} more` }] });
  return { text: title(m), blocks };
}

export function discordPayload(m: DigestMessage): object {
  const embeds: object[] = [];
  let total = 0;
  for (const p of m.selection.papers.slice(0, LIMITS.discordEmbeds)) {
    const t = cut(p.paper.title, LIMITS.discordTitle);
    const description = cut(
      `${authors(p.paper.authors)}\nWhy: ${reasons(p, m.topicNames)}${p.paper.upvotes != null ? `\n▲ ${p.paper.upvotes}` : ''}${p.paper.codeUrl ? `\nCode: ${p.paper.codeUrl}` : ''}`,
      600,
    );
    if (total + t.length + description.length > LIMITS.discordTotal - 200) break;
    total += t.length + description.length;
    embeds.push({ title: t, url: p.paper.url, description });
  }
  const rest = m.selection.total - embeds.length;
  return { content: cut(`${title(m)}${rest > 0 ? ` (and ${rest} more)` : ''}`, LIMITS.discordContent), embeds, allowed_mentions: { parse: [] } };
}

/** The `webhook` kind: a JSON digest for any receiver, signed by the caller. */
export function webhookPayload(m: DigestMessage): object {
  return {
    type: 'digest',
    id: `channel-delivery-${m.deliveryId}`,
    channel: m.channel.name,
    period: m.period,
    total: m.selection.total,
    more: more(m),
    papers: m.selection.papers.map((p) => ({
      id: p.paper.id,
      title: p.paper.title,
      url: p.paper.url,
      authors: p.paper.authors,
      upvotes: p.paper.upvotes,
      codeUrl: p.paper.codeUrl,
      reasons: p.reasons.map((r) => ({
        topic: r.kind === 'topic' ? r.key : null,
        label: r.kind === 'topic' ? (m.topicNames.get(r.key) ?? r.label) : r.label,
        words: r.words,
      })),
    })),
  };
}

export function payloadFor(m: DigestMessage): object {
  if (m.channel.kind === 'slack') return slackPayload(m);
  if (m.channel.kind === 'discord') return discordPayload(m);
  return webhookPayload(m);
}
